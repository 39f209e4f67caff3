/*
 * Copie hostile : une boucle infinie silencieuse. L'indice de la boucle
 * n'avance jamais (i n'est pas incrémenté quand le téléchargement échoue...
 * ni quand il réussit) : le programme tourne sans fin, sans rien afficher.
 * Le harnais doit l'arrêter à son délai, puis, aux tests suivants, dès
 * qu'il reste silencieux (récidive), et dire « pas terminé ».
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @message ne s'est pas terminé
 */
#include <stdio.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    volatile size_t done = 0;

    /* Oubli : `i` n'avance jamais. */
    for (size_t i = 0; i < sites.count;)
        done++;
    printf("Downloaded %zu in 0 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
