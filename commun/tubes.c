/*
 * tubes.c — lire et écrire un message entier dans un tube (voir tubes.h).
 */
#include "tubes.h"

#include <errno.h>
#include <unistd.h>

/* Lit exactement `size` octets. Renvoie 1 si tout est lu, 0 si le tube
 * est fermé de l'autre côté avant le premier octet (fin normale), -1 en
 * cas d'erreur ou de message coupé. */
int read_full(int fd, void *buf, size_t size)
{
    size_t got = 0;

    while (got < size) {
        ssize_t n = read(fd, (char *)buf + got, size - got);

        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return (n == 0 && got == 0) ? 0 : -1;
        got += (size_t)n;
    }
    return 1;
}

/* Écrit exactement `size` octets. Renvoie 0, ou -1 si le lecteur est parti
 * (EPIPE) ou en cas d'erreur. */
int write_full(int fd, const void *buf, size_t size)
{
    size_t put = 0;

    while (put < size) {
        ssize_t n = write(fd, (const char *)buf + put, size - put);

        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        put += (size_t)n;
    }
    return 0;
}

void close_pipe(int fds[2])
{
    int err = errno;

    for (int i = 0; i < 2; i++) {
        if (fds[i] != -1)
            close(fds[i]);
        fds[i] = -1;
    }
    errno = err;
}
