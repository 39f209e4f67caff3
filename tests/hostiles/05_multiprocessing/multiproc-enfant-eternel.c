/*
 * Copie hostile : tout est affiché, juste, puis le programme ne se termine
 * jamais. Le parent calcule lui-même, affiche les résultats et la durée,
 * puis attend (waitpid) un enfant « ouvrier » qui attend du travail sur un
 * tube dont personne n'a fermé l'autre bout : l'enfant garde lui-même le
 * bout d'écriture ouvert (oubli de close), donc read() ne voit jamais la
 * fin. Sortie parfaite, code de sortie jamais rendu.
 * @echoue multiproc_exact
 * @message ne s'est pas terminé
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"

static unsigned __int128 cpu_bound(long n)
{
    unsigned __int128 sum = 0;

    for (long i = 0; i < n; i++)
        sum += (unsigned __int128)i * (unsigned __int128)i;
    return sum;
}

int main(int argc, char **argv)
{
    int work[2];
    pid_t child;
    char buf[TD6_U128_LEN];

    Pipe(work);
    child = Fork();
    if (child == 0) {
        char c;

        /* Oubli : Close(work[1]) ; read attend donc pour toujours. */
        while (read(work[0], &c, 1) > 0)
            continue;
        _exit(0);
    }
    Close(work[0]);
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {   /* -j N : ignoré */
            i++;
            continue;
        }
        printf("cpu_bound(%s) = %s\n", argv[i],
               td6_u128_to_string(cpu_bound(atol(argv[i])), buf));
    }
    printf("Duration 0.1 seconds\n");
    fflush(stdout);
    Close(work[1]);
    waitpid(child, NULL, 0);   /* l'enfant ne finit jamais */
    return 0;
}
