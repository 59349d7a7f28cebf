package org.texhash.indexer.index;

/** A file that was skipped, and why (the reason is a sentence for a person, without the path). */
public record FileError(String path, String reason) {}
