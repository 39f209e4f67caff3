/*
 * Copie hostile : une inondation de la sortie. La boucle d'affichage
 * oublie d'avancer et écrit la même ligne sans fin, des mégaoctets par
 * seconde. Le harnais doit couper la sortie à 8 Mio, arrêter le programme
 * aussitôt et le dire.
 * @echoue tout_est_lu
 * @echoue arguments
 * @message a écrit plus de 8 Mio
 */
#include <stdio.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);

    for (size_t i = 0; i < sites.count;)   /* oubli : i++ */
        printf("Read %d from %s\n", 10782, sites.urls[i]);
    td6_sites_free(&sites);
    return 0;
}
