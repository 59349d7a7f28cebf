package org.texhash.indexer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.texhash.indexer.image.ImageFiles;

/**
 * The image files of a folder tree, as {@link FolderIndexer} sees them: regular files and links
 * to files (linked folders are not followed) with an image extension ({@link ImageFiles#isImage}),
 * sorted; other files are counted as ignored; names starting with "." and one excluded folder
 * (the index itself) are skipped; folders that cannot be listed are errors.
 */
record ImageFolder(List<Path> images, int ignored, List<FileError> errors) {

  static ImageFolder list(Path root, Path exclude) throws IOException {
    List<Path> images = new ArrayList<>();
    List<FileError> errors = new ArrayList<>();
    int[] ignored = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(exclude) || (!dir.equals(root) && hidden(dir))
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (hidden(file) || !(attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(file)))) {
              return FileVisitResult.CONTINUE;
            }
            if (ImageFiles.isImage(file)) {
              images.add(file);
            } else {
              ignored[0]++;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            errors.add(new FileError(file.toString(), "cannot read: " + e.getMessage()));
            return FileVisitResult.CONTINUE;
          }
        });
    images.sort(null);
    return new ImageFolder(List.copyOf(images), ignored[0], List.copyOf(errors));
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }
}
