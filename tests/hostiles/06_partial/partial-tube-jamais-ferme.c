/*
 * Copie hostile : des travailleurs qui attendent pour toujours. Le parent
 * calcule lui-même, affiche des résultats justes, puis attend (waitpid) ses
 * deux travailleurs ; mais il n'a jamais fermé son bout d'écriture du tube
 * des demandes : ils attendent la suite dans read(), lui les attend dans
 * waitpid. Personne ne calcule, personne n'écrit : le harnais doit le voir
 * inactif, l'arrêter sans attendre tout le délai, tuer les travailleurs.
 * @echoue valeurs_exactes
 * @echoue ordre_des_entrees
 * @message ne s'est pas terminé
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"

static unsigned __int128 cpu_bound(long n, long number2)
{
    unsigned __int128 sum = 0;

    for (long i = 0; i < n; i++)
        sum += (unsigned __int128)i * (unsigned __int128)i + (unsigned __int128)number2;
    return sum;
}

int main(int argc, char **argv)
{
    long k = 10;
    int opt, tasks[2];
    pid_t workers[2];
    char buf[TD6_U128_LEN];

    while ((opt = getopt(argc, argv, "j:k:")) != -1)
        if (opt == 'k')
            k = atol(optarg);
    Pipe(tasks);
    fflush(stdout);
    for (int w = 0; w < 2; w++) {
        workers[w] = Fork();
        if (workers[w] == 0) {
            char c;

            Close(tasks[1]);
            while (read(tasks[0], &c, 1) > 0)
                continue;
            _exit(0);
        }
    }
    Close(tasks[0]);
    for (int i = optind; i < argc; i++) {
        unsigned __int128 sum = cpu_bound(atol(argv[i]), k);

        printf("cpu_bound(%s, %ld) = %s\n", argv[i], k, td6_u128_to_string(sum, buf));
    }
    printf("Duration 0.1 seconds\n");
    fflush(stdout);
    /* Oubli : Close(tasks[1]) ; les travailleurs ne voient jamais la fin. */
    for (int w = 0; w < 2; w++)
        waitpid(workers[w], NULL, 0);
    return 0;
}
