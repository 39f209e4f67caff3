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
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"
#include "options.h"   /* les aides du chapitre (solutions/06_partial/) */

static u128 cpu_bound(long n, long number2)
{
    u128 sum = 0;

    for (long i = 0; i < n; i++)
        sum += (u128)i * (u128)i + (u128)number2;
    return sum;
}

int main(int argc, char **argv)
{
    options opt;
    int tasks[2];
    pid_t workers[2];
    u128 *sums;

    parse_options(argc, argv, &opt);
    sums = Calloc(opt.count, sizeof *sums);
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
    for (size_t i = 0; i < opt.count; i++)
        sums[i] = cpu_bound(opt.numbers[i], opt.number2);
    print_results(&opt, sums);
    printf("Duration 0.1 seconds\n");
    fflush(stdout);
    /* Oubli : Close(tasks[1]) ; les ouvriers ne voient jamais la fin. */
    for (int w = 0; w < 2; w++)
        waitpid(workers[w], NULL, 0);
    return 0;
}
