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

/* Les étiquettes disent ce qu'est un message. */
enum { TAG_WORK = 1, TAG_RESULT = 2, TAG_STOP = 3 };

/* Un résultat : l'indice calculé, puis la somme en deux moitiés. */
enum { MSG_INDEX, MSG_LOW, MSG_HIGH, MSG_LEN };

/* Maître : donne à `worker` l'indice suivant s'il en reste, sinon
 * « stop ». Renvoie 1 si du travail est parti, 0 si c'était « stop ». */
static int hand_out(int worker, size_t *next, size_t n)
{
    uint64_t index = *next;

    /* Du travail s'il en reste (TAG_WORK, l'indice), sinon stop (TAG_STOP). */
    if (*next < n) {
        (*next)++;
        MPI_Send(&index, 1, MPI_UINT64_T, worker, TAG_WORK, MPI_COMM_WORLD);
        return 1;
    }
    MPI_Send(&index, 1, MPI_UINT64_T, worker, TAG_STOP, MPI_COMM_WORLD);
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
    /* Un premier indice pour chaque ouvrier (ou stop s'il n'y en a pas assez). */
    for (int worker = 1; worker < size; worker++)
        busy += (size_t)hand_out(worker, &next, j->count);
    /* Recevoir un résultat de n'importe qui, le ranger, relancer son auteur. */
    while (busy > 0) {
        uint64_t msg[MSG_LEN];
        MPI_Status status;
        MPI_Request request;

        MPI_Irecv(msg, MSG_LEN, MPI_UINT64_T, MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                  &request);
        wait_politely(&request, &status);   /* MPI_Wait, sans occuper un cœur */
        sums[msg[MSG_INDEX]] = (unsigned __int128)msg[MSG_HIGH] << 64 | msg[MSG_LOW];
        busy--;
        busy += (size_t)hand_out(status.MPI_SOURCE, &next, j->count);
    }
}

/* Rangs 1 à P - 1 : recevoir un indice, calculer, renvoyer ; jusqu'à stop. */
static void worker(const job *j, int rank)
{
    for (;;) {
        uint64_t index, msg[MSG_LEN];
        MPI_Status status;
        unsigned __int128 value;

        /* Attendre un message du maître : du travail ou « stop » (MPI_ANY_TAG). */
        MPI_Recv(&index, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
        if (status.MPI_TAG == TAG_STOP)
            return;
        /* Calculer, puis renvoyer l'indice et les deux moitiés de la somme. */
        value = compute_traced(j->numbers[index], rank);
        msg[MSG_INDEX] = index;
        msg[MSG_LOW] = (uint64_t)value;
        msg[MSG_HIGH] = (uint64_t)(value >> 64);
        MPI_Send(msg, MSG_LEN, MPI_UINT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
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
    /* Sortir de MPI : chaque rang, une fois, à la fin. */
    MPI_Finalize();
    return 0;
}
