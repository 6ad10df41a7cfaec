# Shared by the service scripts (sourced, not run).

# Stops the process whose pid is in $1: TERM, up to 30 s for it to exit, then KILL; removes the file.
stop_pid_file() {
  local pid_file=$1
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    kill "$(cat "$pid_file")"
    for _ in $(seq 1 30); do kill -0 "$(cat "$pid_file")" 2>/dev/null || break; sleep 1; done
    kill -9 "$(cat "$pid_file")" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}
