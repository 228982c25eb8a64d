/* Minimal NDJSON load generator for a Unix socket (the kind of client runtime.md measured with):
 * sends `total` copies of request lines in batches of `window`, waits for `window` reply lines
 * per batch, prints requests per second. Usage: loadgen SOCKET WINDOW TOTAL 'JSON-LINE' */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s SOCKET WINDOW TOTAL JSON-LINE\n", argv[0]);
    return 2;
  }
  int window = atoi(argv[2]);
  long total = atol(argv[3]);
  size_t len = strlen(argv[4]);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {0};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argv[1], sizeof(addr.sun_path) - 1);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
    perror("connect");
    return 1;
  }
  char *batch = malloc((len + 1) * window);
  for (int i = 0; i < window; i++) {
    memcpy(batch + i * (len + 1), argv[4], len);
    batch[i * (len + 1) + len] = '\n';
  }
  static char buf[1 << 20];
  double start = now();
  for (long sent = 0; sent < total; sent += window) {
    size_t size = (len + 1) * window, off = 0;
    while (off < size) {
      ssize_t n = write(fd, batch + off, size - off);
      if (n <= 0) { perror("write"); return 1; }
      off += n;
    }
    long seen = 0;
    while (seen < window) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) { perror("read"); return 1; }
      for (ssize_t i = 0; i < n; i++) seen += buf[i] == '\n';
    }
  }
  printf("%.0f\n", total / (now() - start));
  return 0;
}
