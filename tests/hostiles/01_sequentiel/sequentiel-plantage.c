/*
 * Copie hostile : un plantage (segmentation fault). Le tableau des tailles
 * lues n'est jamais alloué : la première écriture déréférence NULL.
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @echoue url_en_echec
 * @message a planté
 */
#include <stdio.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    size_t *volatile sizes = NULL;   /* oubli : Malloc(sites.count * sizeof *sizes) */

    for (size_t i = 0; i < sites.count; i++)
        sizes[i] = 0;
    printf("Downloaded %zu in 0 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
