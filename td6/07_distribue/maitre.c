/*
 * maitre.c — chapitre 07 : le calcul du chapitre 05 sur plusieurs
 * processus qui ne partagent rien, distribué à la demande par un maître.
 *
 * Ce que montre ce programme : la file de Pool.map (chapitre 05), mais par
 * messages. Le rang 0 est le maître : il tient la liste des indices à
 * calculer ; les rangs 1 à P - 1 sont les ouvriers. Le maître donne un
 * indice à chaque ouvrier (étiquette TAG_WORK), puis attend un résultat de
 * N'IMPORTE QUEL ouvrier (MPI_ANY_SOURCE, étiquette TAG_RESULT) ; celui qui
 * vient de rendre reçoit aussitôt l'indice suivant, ou « stop »
 * (TAG_STOP) quand il n'en reste plus. Un ouvrier rapide revient plus
 * souvent, et reçoit donc plus de travail : la charge s'équilibre toute
 * seule, même quand les nombres sont très inégaux.
 *
 * Ce qui voyage : chaque rang a déjà la liste (mpiexec donne la même ligne
 * de commande à tous), comme l'enfant d'un fork l'avait par copie. Le
 * maître n'envoie donc qu'un indice ; l'ouvrier renvoie l'indice et la
 * somme, en deux moitiés de 64 bits (voir repartition.c).
 *
 * Le maître ne calcule pas (sauf seul, avec -n 1) : il doit répondre tout
 * de suite à l'ouvrier qui vient de finir. S'il calculait entre deux
 * messages, un ouvrier libre attendrait la fin de son calcul pour avoir du
 * travail. Avec P rangs, il y a donc P - 1 ouvriers : lancez-en un de plus
 * que de cœurs : le maître attend presque tout le temps, et il attend
 * sans occuper de cœur (wait_politely, dans calcul.c).
 *
 * Construire et lancer :
 *     make SRC=solutions EXO=07
 *     mpiexec -n 3 build/solutions/07_distribue/maitre [N...]
 *     TD6_TRACE=/tmp/trace mpiexec -n 3 build/solutions/07_distribue/maitre 300000000 1 2 3 4 5 6 7
 *
 * À observer : les résultats dans l'ordre de la liste, quel que soit
 * l'ordre d'arrivée ; dans la trace, l'ouvrier qui a reçu le gros nombre
 * a fait un seul calcul, l'autre tous les petits.
 */
#include <mpi.h>
#include <stdint.h>

#include "calcul.h"
#include "commun.h"

/*
 * À FAIRE (chapitre 07, README.fr.md) : les lignes « TODO ». Tel quel, ce
 * programme tourne mais ne calcule rien : le rang 0 affiche des zéros.
 * Testez avec : make test EXO=07
 */

/* Les étiquettes disent ce qu'est un message. */
enum { TAG_WORK = 1, TAG_RESULT = 2, TAG_STOP = 3 };

/* Un résultat : l'indice calculé, puis la somme en deux moitiés. */
enum { MSG_INDEX, MSG_LOW, MSG_HIGH, MSG_LEN };

/* Maître : donne à `worker` l'indice suivant s'il en reste, sinon
 * « stop ». Renvoie 1 si du travail est parti, 0 si c'était « stop ». */
static int hand_out(int worker, size_t *next, size_t n)
{
    uint64_t index = *next;

    /* TODO: Du travail s'il en reste (TAG_WORK, l'indice), sinon stop (TAG_STOP). */
    /*       (l'étiquette dit à l'ouvrier ce que c'est ; « stop » n'a pas besoin de contenu) */
    (void)index;
    (void)worker;
    (void)n;
    return 0;
}

/* Rang 0 : distribuer, recevoir dans n'importe quel ordre, ranger chaque
 * somme à son indice. */
static void master(const job *j, int size, unsigned __int128 *sums)
{
    size_t next = 0, busy = 0;

    /* Seul (-n 1) : personne à qui donner le travail, le maître le fait. */
    if (size == 1) {
        for (size_t i = 0; i < j->count; i++)
            sums[i] = compute_traced(j->numbers[i], 0);
        return;
    }
    /* TODO: Un premier indice pour chaque ouvrier (ou stop s'il n'y en a pas assez). */
    /* TODO: Recevoir un résultat de n'importe qui, le ranger, relancer son auteur. */
    /*       (tant que des ouvriers calculent ; l'enveloppe du message, MPI_Status, dit */
    /*        qui l'a envoyé ; wait_politely attend sans occuper un cœur) */
    (void)next;
    (void)busy;
    (void)hand_out;
}

/* Rangs 1 à P - 1 : recevoir un indice, calculer, renvoyer ; jusqu'à stop. */
static void worker(const job *j, int rank)
{
    for (;;) {
        /* TODO: Attendre un message du maître : du travail ou « stop » (MPI_ANY_TAG). */
        /* TODO: Calculer, puis renvoyer l'indice et les deux moitiés de la somme. */
        /*       (compute_traced, pour la trace ; recommencer jusqu'à « stop ») */
        (void)j;
        (void)rank;
        return;
    }
}

int main(int argc, char **argv)
{
    /* Entrer dans MPI : chaque rang, une fois, au début. */
    MPI_Init(&argc, &argv);
    /* Qui l'on est parmi combien, et la liste : chaque rang lit la même
     * ligne ; après -h ou une erreur, tous s'arrêtent là (MPI_Finalize,
     * puis code 0 ou 2). */
    job j = parse_arguments(argc, argv);

    if (j.rank == 0) {
        double start = td6_now();

        master(&j, j.size, j.sums);
        print_sums(&j, j.sums, td6_now() - start);
    } else {
        worker(&j, j.rank);
    }
    job_free(&j);
    /* TODO: Sortir de MPI : chaque rang, une fois, à la fin. */
    return 0;
}
