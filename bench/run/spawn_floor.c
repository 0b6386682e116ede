/* This machine's process-creation floor, for scale in bench/run: starts COUNT children
 * of `sh -c COMMAND`, at most WINDOW at once, from one thread with posix_spawn, and
 * reads nothing from them (their stdout is /dev/null). No engine can start and reap the
 * same children with less work than this.
 * Usage: spawn_floor COUNT WINDOW COMMAND */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: spawn_floor COUNT WINDOW COMMAND\n");
    return 2;
  }
  long count = atol(argv[1]), window = atol(argv[2]), started = 0, running = 0;
  char* child_argv[] = {"sh", "-c", argv[3], NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  while (started < count || running > 0) {
    while (started < count && running < window) {
      pid_t pid;
      if (posix_spawn(&pid, "/bin/sh", &actions, NULL, child_argv, environ) != 0) {
        perror("posix_spawn");
        return 1;
      }
      ++started, ++running;
    }
    int status;
    if (wait(&status) > 0) --running;
  }
  return 0;
}
