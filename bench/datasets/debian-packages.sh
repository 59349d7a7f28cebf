# Shared by the dataset scripts (sourced, not run): download, verify and partly unpack Debian
# packages into a cache. The caller defines die() and step() and sets CACHE.
# shellcheck shell=bash

DEB_APT_UPDATED=false

# Prints the path of the package's .deb in $CACHE/debs, downloading it (apt-get download, after
# one apt-get update) when missing and checking it against the SHA256 apt lists for its version.
deb_fetch() {
  local package=$1 deb
  mkdir -p "$CACHE/debs"
  deb=$(find "$CACHE/debs" -maxdepth 1 -name "${package}_*_all.deb" -print | sort | tail -n 1)
  if [[ -n "$deb" && -f "$deb.verified" ]]; then echo "$deb"; return; fi
  if [[ -z "$deb" ]]; then
    if [[ "$DEB_APT_UPDATED" == false ]]; then
      step "apt-get update" >&2
      apt-get update -q >&2 || die "apt-get update failed (network, or not root?)"
      DEB_APT_UPDATED=true
    fi
    step "apt-get download $package (large: this takes a while)" >&2
    (cd "$CACHE/debs" && apt-get download -q "$package" >&2) \
      || die "apt-get download $package failed; is it in your apt sources (Debian main)?"
    deb=$(find "$CACHE/debs" -maxdepth 1 -name "${package}_*_all.deb" -print | sort | tail -n 1)
    [[ -n "$deb" ]] || die "apt-get download $package left no .deb in $CACHE/debs"
  fi
  local version expected actual
  version=$(dpkg-deb -f "$deb" Version) || die "$deb is not a readable .deb; delete it and re-run"
  expected=$(apt-cache show "$package=$version" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n 1)
  if [[ -n "$expected" ]]; then
    step "checking SHA256 of $(basename "$deb")" >&2
    actual=$(sha256sum "$deb" | cut -d' ' -f1)
    [[ "$actual" == "$expected" ]] || die "$deb: SHA256 $actual, apt expects $expected; delete it and re-run"
  else
    echo "warning: apt knows no SHA256 for $package=$version; checked the .deb structure only" >&2
    dpkg-deb --info "$deb" >/dev/null || die "$deb is corrupt; delete it and re-run"
  fi
  touch "$deb.verified"
  echo "$deb"
}

# Unpacks the members listed in file $3 (paths inside the package, one a line, no leading ./)
# of .deb $2 (package $1) plus its copyright file, skipping what is already unpacked; prints
# the unpack root, $CACHE/unpacked/<package>_<version>.
deb_unpack() {
  local package=$1 deb=$2 wanted=$3 version root members missing
  version=$(dpkg-deb -f "$deb" Version)
  root="$CACHE/unpacked/${package}_$version"
  members=$(mktemp)
  { sed '/^$/d' "$wanted"; echo "usr/share/doc/$package/copyright"; } | sort -u > "$members"
  missing=$(mktemp)
  while IFS= read -r member; do
    [[ -f "$root/$member" ]] || echo "./$member"
  done < "$members" > "$missing"
  if [[ -s "$missing" ]]; then
    step "unpacking $(wc -l < "$missing") files from $(basename "$deb")" >&2
    mkdir -p "$root"
    if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" -f - -T "$missing" 2> "$missing.err"; then
      cat "$missing.err" >&2
      rm -f "$members" "$missing" "$missing.err"
      die "could not unpack the listed files from $deb; do the lists match $package $version?"
    fi
  fi
  rm -f "$members" "$missing" "$missing.err"
  echo "$root"
}

# Fails unless the tools the functions above need are installed.
deb_require_tools() {
  local tool
  for tool in apt-get apt-cache dpkg-deb tar sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' not found: this script needs a Debian system"
  done
}
