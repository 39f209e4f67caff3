/*
 * Copie hostile générique : « boucle ». Remplace n'importe quel programme
 * du TD. Il ne lit rien, n'affiche rien et calcule sans fin : le processeur
 * est occupé, donc il ne paraît jamais inactif. Seul le délai de chaque
 * test l'arrête (puis, en récidive, 3 s de silence).
 *
 * scripts/verifier-hostiles.sh --copie-entiere boucle en fait une copie
 * de td6/ entière : avec muet.c, c'est le pire cas pour le temps de
 * notation.
 */
#include "commun.h"

int main(int argc, char **argv)
{
    volatile unsigned long spins = 0;

    (void)argc;
    (void)argv;
    for (;;)
        spins++;
}
