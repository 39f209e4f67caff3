/*
 * partial.c — chapitre 06 : donner un second argument à la fonction d'un
 * pool de processus (l'équivalent C de functools.partial), puis comprendre
 * pourquoi le notebook du cours a échoué en mode « spawn ».
 *
 * Ce que montre ce programme : le pool (celui du chapitre 05, dans pool.c)
 * ne sait appeler qu'une forme de fonction, fn(contexte, élément). Or
 * cpu_bound(number, number2) en prend deux. On « lie » donc number2 à
 * l'avance dans une petite structure, le partial, que le pool transmet sans
 * la comprendre. Avec fork(), l'enfant est une copie du parent : le pointeur
 * de fonction et le partial y restent valables. Avec --spawn, chaque
 * ouvrier est un programme neuf (posix_spawn, c'est-à-dire fork + exec) :
 * rien de la mémoire du parent ne le suit, seul du texte traverse le tube,
 * et la fonction doit donc être retrouvée par son NOM, dans un registre.
 * C'est ce que fait pickle en Python, et c'est ce qui a cassé le notebook.
 *
 * Construire et lancer :
 *     make run EXO=06                      (votre version, td6/)
 *     make run EXO=06 SRC=solutions        (la solution)
 *     build/solutions/06_partial/partial [-j OUVRIERS] [-k AJOUT]
 *                                        [--spawn] [--lambda] [N...]
 *
 * À observer : une ligne « cpu_bound(N, AJOUT) = somme » par nombre, dans
 * l'ordre donné, puis « Duration ... seconds ». Sans argument : les 20
 * nombres du cours, multipliés par 10 (C est environ 40 fois plus rapide
 * que Python), soit 1 à 2 s sur un cœur, à peu près la moitié avec -j 2.
 * « --lambda » remplace cpu_bound par une fonction qui n'est pas dans le
 * registre : cela marche avec fork, et échoue avec --spawn, par un message
 * clair au lieu des traces Python du notebook.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commun.h"
#include "options.h"
#include "pool.h"

/* ---- Le calcul ------------------------------------------------------------ */

/* La fonction du cours, avec son second argument : la somme des
 * i * i + number2 pour i de 0 à number - 1, exacte sur 128 bits. */
static u128 cpu_bound(long number, long number2)
{
    u128 total = 0;

    (void)number2;
    for (long i = 0; i < number; i++) {
        /* Barrière vide : aucune instruction, mais le compilateur doit
         * supposer que i a pu changer ici. Sans elle, clang -O2 remplace la
         * boucle par la formule n(n-1)(2n-1)/6 + n*number2 : plus rien à
         * calculer, donc plus rien à paralléliser. */
        __asm__ volatile("" : "+r"(i));
        /* TODO: Ajouter number2 à chaque terme, comme le cours : i * i + number2. */
        /*       (convertir chaque morceau en u128 AVANT d'additionner) */
        total += (u128)i * (u128)i;
    }
    return total;
}

/* Notre « lambda ». C n'a pas de fonction anonyme : celle-ci en tient le
 * rôle. Elle existe dans le programme, mais n'est publiée sous aucun nom
 * dans le registre (plus bas). Avec fork, peu importe : l'enfant reçoit son
 * adresse, valable chez lui. Avec spawn, seul un nom traverse. */
static u128 lambda_cpu_bound(long number, long number2)
{
    return cpu_bound(number, number2);
}

/* ---- Le partial ----------------------------------------------------------- */

/* Les types cpu_fn, pool_fn et partial sont dans pool.h : le pool les
 * transporte sans les comprendre. */

/* Appelle la fonction liée : partial_call(&p, n) vaut p.fn(n, p.number2).
 * Elle a la forme pool_fn : le pool l'appelle sans rien savoir de cpu_bound
 * ni de number2. */
static u128 partial_call(const void *ctx, long number)
{
    const partial *p = ctx;

    /* TODO: Appeler la fonction liée avec l'élément ET l'argument lié. */
    /*       (p->fn attend deux arguments : number, puis la valeur rangée dans p) */
    (void)p;
    (void)number;
    return 0;
}

/* ---- Le registre : retrouver une fonction par son nom ---------------------- */

/* Ce qu'un programme neuf sait retrouver par un nom : l'équivalent des
 * fonctions définies au niveau d'un module Python, que pickle désigne par
 * « module.nom » et que l'ouvrier réimporte. lambda_cpu_bound n'y est
 * pas, exprès. */
static const struct {
    const char *name;
    cpu_fn fn;
} registry[] = {
    { "cpu_bound", cpu_bound },
};

/* La fonction publiée sous `name`, ou NULL. */
static cpu_fn registry_lookup(const char *name)
{
    /* TODO: Retrouver la fonction par son nom, comme pickle retrouve module.nom. */
    /*       (parcourir registry, comparer les noms avec strcmp) */
    (void)registry;
    (void)name;
    return NULL;
}

/* ---- Le programme ---------------------------------------------------------- */

/* Calcule cpu_bound(n, number2) pour chaque nombre, avec le pool choisi. */
static int find_sums(const options *opt, u128 *results)
{
    cpu_fn fn = opt->lambda ? lambda_cpu_bound : cpu_bound;
    const char *name = opt->lambda ? "<lambda>" : "cpu_bound";

    /* TODO: Lier number2 à la fonction : c'est partial(cpu_bound, number2=k). */
    /*       (le troisième champ du partial : l'argument lié, lu dans les options) */
    partial p = { fn, name, 0 };

    if (opt->spawn)
        return spawn_pool_map(opt->self, &p, opt->numbers, opt->count, results, opt->workers);
    return pool_map(partial_call, &p, opt->numbers, opt->count, results, opt->workers);
}

int main(int argc, char **argv)
{
    options opt;
    u128 *results;
    double start, duration;
    int rc;

    /* Relancé par le pool en mode spawn : on ne fait que l'ouvrier. */
    if (argc == 2 && strcmp(argv[1], WORKER_FLAG) == 0)
        return worker_main(registry_lookup);
    parse_options(argc, argv, &opt);
    /* Écrire dans le tube d'un ouvrier mort doit donner une erreur
     * (EPIPE) que l'on signale, pas tuer le parent en silence. */
    signal(SIGPIPE, SIG_IGN);
    results = Calloc(opt.count, sizeof *results);
    start = td6_now();
    rc = find_sums(&opt, results);
    duration = td6_now() - start;
    if (rc == 0) {
        print_results(&opt, results);
        printf("Duration %.3f seconds\n", duration);
    }
    free(results);
    options_free(&opt);
    return rc == 0 ? 0 : 1;
}
