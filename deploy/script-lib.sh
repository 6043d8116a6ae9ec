# Shell helpers the end-to-end scripts share (sourced, not run): timestamped messages, failing with
# one, and finding a free local port.

say() { printf '[%4ds] %s\n' "$SECONDS" "$*"; }
die() { say "FAILED: $*"; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The first port from $1 up that nothing listens on.
free_port_from() {
  local p=$1
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}
