/*
 * Copie hostile : une boucle de fork(). Un processus par nombre... mais
 * l'enfant, son calcul fini, oublie _exit() : il reprend la boucle du
 * parent et forke à son tour. Avec n nombres, 2^n processus. Le harnais
 * doit compter, tout tuer au-delà de la limite, et le dire (aussi sous
 * root). Garde-fou : chaque processus s'arrête de lui-même au bout de 10 s.
 * @echoue multiproc_exact
 * @message processus
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"

static unsigned long long cpu_bound(long n)
{
    unsigned long long sum = 0;

    for (long i = 0; i < n; i++)
        sum += (unsigned long long)i * (unsigned long long)i;
    return sum;
}

int main(int argc, char **argv)
{
    double start = td6_now();

    for (int i = 1; i < argc; i++) {
        if (td6_now() - start > 10)
            _exit(0);
        if (argv[i][0] == '-') {   /* -j N : ignoré */
            i++;
            continue;
        }
        if (fork() == 0) {
            usleep(20000);
            printf("cpu_bound(%s) = %llu\n", argv[i], cpu_bound(atol(argv[i])));
            fflush(stdout);
            /* Oubli : _exit(0) ; l'enfant continue la boucle. */
        }
    }
    while (wait(NULL) > 0)
        continue;
    printf("Duration 0 seconds\n");
    return 0;
}
