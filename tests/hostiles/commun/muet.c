/*
 * Copie hostile générique : « muet ». Remplace n'importe quel programme du
 * TD. Il écoute sur le port donné en premier argument (sinon un port libre),
 * affiche son URL comme un serveur du chapitre 04, accepte les connexions...
 * et ne répond jamais, ne se termine jamais, ignore SIGTERM.
 *
 * Pour un programme en ligne de commande, c'est « tout affiché, jamais
 * fini » ; pour un serveur web, c'est « un serveur qui ne répond jamais ».
 * scripts/verifier-hostiles.sh --copie-entiere en fait une copie de td6/
 * entière, le pire cas pour le temps de notation.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "commun.h"

int main(int argc, char **argv)
{
    struct sockaddr_in addr = { 0 };
    socklen_t len = sizeof addr;
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)(port > 0 && port < 65536 ? port : 0));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0) {
        addr.sin_port = 0;   /* port pris : un autre, peu importe */
        close(fd);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        bind(fd, (struct sockaddr *)&addr, sizeof addr);
        listen(fd, 64);
    }
    getsockname(fd, (struct sockaddr *)&addr, &len);
    printf("http://127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    /* Accepter, garder la connexion ouverte, ne jamais répondre. */
    for (;;) {
        int client = accept(fd, NULL, NULL);

        if (client < 0)
            sleep(1);
    }
}
