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
#include <sys/wait.h>
#include <unistd.h>

#include "calcul.h"   /* les aides du chapitre (solutions/05_multiprocessing/) */
#include "commun.h"

int main(int argc, char **argv)
{
    int work[2];
    pid_t child;

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
    job j = parse_arguments(argc, argv, "copie hostile");
    unsigned __int128 *sums = Calloc(j.count, sizeof *sums);

    for (size_t i = 0; i < j.count; i++)
        sums[i] = cpu_bound(j.numbers[i]);
    print_sums(&j, sums, NULL);
    printf("Duration 0.1 seconds\n");
    fflush(stdout);
    Close(work[1]);
    waitpid(child, NULL, 0);   /* l'enfant ne finit jamais */
    return 0;
}
