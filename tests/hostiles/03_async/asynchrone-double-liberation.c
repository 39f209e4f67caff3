/*
 * Copie hostile : une double libération (double free). Chaque tâche finie
 * libère son tampon... puis la boucle de nettoyage le libère encore.
 * glibc le détecte et arrête le programme (SIGABRT) : le harnais doit
 * nommer le signal et sa cause probable.
 * @echoue tout_est_lu
 * @echoue arguments
 * @message a planté
 */
#include <stdio.h>
#include <stdlib.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    char **buffers = Calloc(sites.count, sizeof *buffers);

    for (size_t i = 0; i < sites.count; i++) {
        buffers[i] = Malloc(64);
        snprintf(buffers[i], 64, "tâche %zu", i);
    }
    /* « Tâches finies » : chacune libère son tampon. */
    for (size_t i = 0; i < sites.count; i++)
        free(buffers[i]);
    /* Oubli : les pointeurs n'ont pas été remis à NULL. */
    for (size_t i = 0; i < sites.count; i++)
        free(buffers[i]);
    free(buffers);
    td6_sites_free(&sites);
    return 0;
}
