# Reads one of our declaration headers (native/cuda/cudnn_api.h or cublas_api.h) and prints the list of
# checks that scripts/abi-check.cc expands: every handle, enum, enumerator, struct field and function.
# scripts/abi-check.sh runs it on each check, so the lists cannot fall behind the headers.
# A line it cannot read inside an enum or a struct stops it (exit 1): nothing is silently left unchecked.
# An enumerator commented "X.Y+" (added in that library version) is checked only against headers that
# are that new or newer.
function fail(msg) { printf "%s:%d: abi-check-lists: %s: %s\n", FILENAME, FNR, msg, $0 > "/dev/stderr"; failed = 1; exit 1 }
function since(line,   m) {
  if (match(line, /\/\/.*[0-9]+\.[0-9]+\+/)) {
    m = substr(line, RSTART, RLENGTH); match(m, /[0-9]+\.[0-9]+\+/); m = substr(m, RSTART, RLENGTH - 1)
    split(m, v, "."); return sprintf("NC_SINCE(%d, %d)", v[1], v[2])
  }
  return ""
}
function strip(line) { sub(/\/\/.*/, "", line); gsub(/^[ \t]+|[ \t]+$/, "", line); return line }

# Opaque handle: using cudnnHandle_t = struct cudnnContext*;
/^[ \t]*using [A-Za-z0-9_]+ = struct [A-Za-z0-9_]+ *\*;/ && block == "" { print "NC_HANDLE(" $2 ")"; next }
/^[ \t]*(typedef|using) / && block == "" { fail("a type alias abi-check cannot map (use `using X = struct Tag*;` for handles)") }

/^[ \t]*enum [A-Za-z0-9_]+ *: *int *\{/ && block == "" {
  block = "enum"; name = $2; sub(/:.*/, "", name); print "NC_ENUM(" name ")"; next
}
/^[ \t]*enum / && block == "" { fail("an enum abi-check cannot read (write `enum X : int {`)") }
/^[ \t]*struct [A-Za-z0-9_]+ *\{/ && block == "" {
  name = $2; sub(/\{.*/, "", name)
  if (name ~ /Api$/) { block = "api"; api = name; functions = 0 } else { block = "struct"; print "NC_STRUCT(" name ")" }
  next
}
block != "" && /^[ \t]*\};/ {
  if (block == "api") print "NC_API_SIZE(" api ", " functions ")"
  block = ""; next
}

block == "enum" {
  line = strip($0); if (line == "") next
  if (line !~ /^[A-Za-z0-9_]+ *= *-?[0-9]+,?$/) fail("an enumerator abi-check cannot read (write `NAME = VALUE,`)")
  split(line, kv, /[ =]+/); guard = since($0)
  if (guard != "") print "#if " guard
  print "NC_ENUMERATOR(" name ", " kv[1] ")"
  if (guard != "") print "#endif"
  next
}
block == "struct" {
  line = strip($0); if (line == "") next
  if (line !~ /^[A-Za-z_][A-Za-z0-9_ ]*[ *]+[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?;$/) fail("a field abi-check cannot read (one `type name;` a line)")
  sub(/\[.*/, "", line); sub(/;$/, "", line); n = split(line, w, /[ *]+/)
  print "NC_FIELD(" name ", " w[n] ")"; next
}
# Functions may span lines; each member's name is the `(*name)` part. NC_API_SIZE then proves that
# every member of the struct was found.
block == "api" {
  rest = $0
  while (match(rest, /\(\*[A-Za-z0-9_]+\)/)) {
    print "NC_FUNCTION(" api ", " substr(rest, RSTART + 2, RLENGTH - 3) ")"; functions++
    rest = substr(rest, RSTART + RLENGTH)
  }
  next
}
END { if (!failed && block != "") { printf "%s: abi-check-lists: `%s` is not closed\n", FILENAME, name > "/dev/stderr"; exit 1 } }
