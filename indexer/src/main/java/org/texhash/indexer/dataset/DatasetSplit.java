package org.texhash.indexer.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The regions a protocol assigns to each role.
 *
 * <ul>
 *   <li>{@link #trainRegions()}: what a learned or fitted encoder (TSN, ITQ) may be trained on.
 *   <li>{@link #databaseRegions()}: what database patches are sampled from. For {@code vistex} and
 *       {@code alot} these are the training regions (the paper indexes the training patches); for
 *       {@code unseen} they are the training regions of the held-out classes.
 *   <li>{@link #queryRegions()}: what query patches are sampled from; never overlaps the above.
 *   <li>{@link #validationRegions()}: {@code alot}'s 10 % validation images (empty otherwise).
 * </ul>
 *
 * <p>Labels index {@link #classNames()}.
 */
public final class DatasetSplit {
  private final String protocol;
  private final long seed;
  private final List<String> classNames;
  private final List<Region> train;
  private final List<Region> database;
  private final List<Region> query;
  private final List<Region> validation;
  private final Map<String, Region> regionsByKey;

  DatasetSplit(
      String protocol,
      long seed,
      List<String> classNames,
      List<Region> train,
      List<Region> database,
      List<Region> query,
      List<Region> validation) {
    this.protocol = protocol;
    this.seed = seed;
    this.classNames = List.copyOf(classNames);
    this.train = List.copyOf(train);
    this.database = List.copyOf(database);
    this.query = List.copyOf(query);
    this.validation = List.copyOf(validation);
    this.regionsByKey = byKey(List.of(this.train, this.database, this.query, this.validation));
  }

  public String protocol() {
    return protocol;
  }

  public long seed() {
    return seed;
  }

  /** All class names; label i is {@code classNames().get(i)}. */
  public List<String> classNames() {
    return classNames;
  }

  public List<LabeledImage> trainRegions() {
    return contents(train);
  }

  public List<LabeledImage> databaseRegions() {
    return contents(database);
  }

  public List<LabeledImage> queryRegions() {
    return contents(query);
  }

  public List<LabeledImage> validationRegions() {
    return contents(validation);
  }

  /** Training regions with their source, for manifests. */
  public List<Region> train() {
    return train;
  }

  public List<Region> database() {
    return database;
  }

  public List<Region> query() {
    return query;
  }

  public List<Region> validation() {
    return validation;
  }

  /** Labels of the classes that are evaluated (have query regions), ascending. */
  public List<Integer> evaluatedLabels() {
    return query.stream().map(Region::label).distinct().sorted().toList();
  }

  /** Every region by {@link Region#key()}. */
  public Map<String, Region> regionsByKey() {
    return regionsByKey;
  }

  // built once: every patch crop looks its region up here
  private static Map<String, Region> byKey(List<List<Region>> roles) {
    Map<String, Region> m = new LinkedHashMap<>();
    for (List<Region> l : roles) {
      for (Region r : l) {
        m.putIfAbsent(r.key(), r);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static List<LabeledImage> contents(List<Region> regions) {
    List<LabeledImage> out = new ArrayList<>(regions.size());
    for (Region r : regions) {
      out.add(r.content());
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "DatasetSplit[%s, seed=%d, classes=%d, train=%d, database=%d, query=%d, validation=%d]",
        protocol,
        seed,
        classNames.size(),
        train.size(),
        database.size(),
        query.size(),
        validation.size());
  }
}
