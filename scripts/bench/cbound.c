/*
 * The kernel's own limit for what the helper's reader does: for the host and every namespace in
 * /run/netns whose name starts with a prefix, enter it (setns), dump its links and its addresses
 * over rtnetlink (RTM_GETLINK, RTM_GETADDR) and walk every attribute. Nothing else: no names
 * resolved, no peers matched, no JSON. `npm run bench` builds and runs it when a C compiler is
 * there and prints the reader's figures as ratios to it.
 *
 *   cbound PREFIX   prints {"ms":..., "namespaces":..., "links":..., "addresses":..., "attributes":...}
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];
static long links, addresses, attributes;

static void walk(struct nlmsghdr *h) {
  int len = h->nlmsg_len;
  struct rtattr *a;
  int alen;
  if (h->nlmsg_type == RTM_NEWLINK) {
    links++;
    a = IFLA_RTA((struct ifinfomsg *)NLMSG_DATA(h));
    alen = len - NLMSG_LENGTH(sizeof(struct ifinfomsg));
  } else if (h->nlmsg_type == RTM_NEWADDR) {
    addresses++;
    a = IFA_RTA((struct ifaddrmsg *)NLMSG_DATA(h));
    alen = len - NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  } else {
    return;
  }
  for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
    attributes++;
  }
}

static int dump(int fd, int type, int seq) {
  struct {
    struct nlmsghdr h;
    struct rtgenmsg g;
  } req = {{NLMSG_LENGTH(sizeof(struct rtgenmsg)), type, NLM_F_REQUEST | NLM_F_DUMP, seq, 0}, {AF_UNSPEC}};
  if (send(fd, &req, req.h.nlmsg_len, 0) < 0) {
    return -1;
  }
  for (;;) {
    int n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      return -1;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        return 0;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        return -1;
      }
      walk(h);
    }
  }
}

static int readOne(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    return -1;
  }
  int r = dump(fd, RTM_GETLINK, 1) | dump(fd, RTM_GETADDR, 2);
  close(fd);
  return r;
}

int main(int argc, char **argv) {
  const char *prefix = argc > 1 ? argv[1] : "";
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  long namespaces = 0;
  if (home < 0 || readOne() < 0) {
    return 1;
  }
  namespaces++;
  DIR *d = opendir("/run/netns");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0) {
      continue;
    }
    int nfd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
    if (nfd < 0) {
      continue;
    }
    if (setns(nfd, CLONE_NEWNET) == 0 && readOne() == 0) {
      namespaces++;
    }
    close(nfd);
  }
  if (d) {
    closedir(d);
  }
  setns(home, CLONE_NEWNET);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("{\"ms\":%.3f,\"namespaces\":%ld,\"links\":%ld,\"addresses\":%ld,\"attributes\":%ld}\n",
         (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, namespaces, links, addresses, attributes);
  return 0;
}
