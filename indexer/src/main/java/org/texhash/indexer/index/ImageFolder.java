package org.texhash.indexer.index;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.texhash.indexer.image.ImageFiles;

/**
 * The image files of a folder tree, as {@link FolderIndexer} sees them: regular files and links to
 * regular files with an image extension ({@link ImageFiles#isImage}), sorted by the file system's
 * bytes; other regular files are counted as ignored; names starting with "." and one excluded
 * folder (the index itself) are skipped. Everything else that is passed over is an error with its
 * reason: folders that cannot be listed, dangling links, link loops, links to folders (not
 * followed, so a tree is never walked twice) and special files (FIFOs, sockets, devices, which
 * would block or never end if read).
 */
record ImageFolder(List<Path> images, int ignored, List<FileError> errors) {
  private static final String SPECIAL = "special file (FIFO, socket or device), not read";

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
            if (hidden(file)) {
              return FileVisitResult.CONTINUE;
            }
            String refused =
                attrs.isSymbolicLink()
                    ? linkProblem(file)
                    : attrs.isRegularFile() ? null : "a " + SPECIAL;
            if (refused != null) {
              errors.add(new FileError(IndexFields.pathKey(file), refused));
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
            errors.add(new FileError(IndexFields.pathKey(file), "cannot read: " + e.getMessage()));
            return FileVisitResult.CONTINUE;
          }
        });
    images.sort(null);
    return new ImageFolder(List.copyOf(images), ignored[0], List.copyOf(errors));
  }

  /** Why a link is not followed, or null when it leads to a regular file. */
  private static String linkProblem(Path link) {
    String target;
    try {
      target = Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      target = "?";
    }
    BasicFileAttributes to;
    try {
      to = Files.readAttributes(link, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return "dangling link: " + target + " does not exist";
    } catch (FileSystemLoopException e) {
      return "link loop: " + target;
    } catch (FileSystemException e) {
      String reason = e.getReason() == null ? "" : e.getReason();
      return reason.toLowerCase(Locale.ROOT).contains("levels of symbolic links")
          ? "link loop: " + target
          : "cannot follow link to " + target + ": " + reason;
    } catch (IOException e) {
      return "cannot follow link to " + target + ": " + e.getMessage();
    }
    if (to.isRegularFile()) {
      return null;
    }
    return to.isDirectory() ? "link to a folder, not followed: " + target : "link to a " + SPECIAL;
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }
}
