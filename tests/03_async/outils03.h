/*
 * outils03.h — aides partagées par les tests du chapitre 03 (asynchrone et
 * boucle) : vérifier les lignes « Read » quel que soit leur ordre, et
 * compter les threads du programme pendant qu'il tourne.
 */
#ifndef OUTILS03_H
#define OUTILS03_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

#include "td6_test.h"

/* Taille exacte des deux pages du serveur local. */
#define JYTHON_BYTES 10782
/* Une latence faible suffit quand seul le résultat compte. */
#define FAST_MS 2
#define DICE_BYTES 277

/* Une ligne « Read <bytes> from <url> » attendue. */
typedef struct {
    const char *url;
    long bytes;
} expected_read;

/* Vérifie la sortie standard de `prog` : exactement les lignes « Read »
 * attendues, dans N'IMPORTE QUEL ordre (les réponses arrivent quand elles
 * arrivent), puis une dernière ligne « Downloaded <total> in <s> seconds ». */
void check_reads_any_order(const char *prog, const td6_result *r, const expected_read *reads,
                           size_t n_reads, size_t total);

/* Remplit `reads` (N_COURSE entrées) avec la liste du cours sur le serveur
 * démarré : /jython puis /dice, 80 fois. Les URL sont allouées dans
 * `storage` (N_COURSE chaînes de 160 octets). */
#define N_COURSE 160
void course_reads(expected_read *reads, char (*storage)[160]);

/* Compte les threads d'un programme pendant qu'il tourne : un thread
 * « échantillonneur » du test, lancé AVANT td6_run, cherche dans /proc
 * l'enfant du test nommé `prog` et relève toutes les 2 ms le nombre
 * d'entrées de /proc/<pid>/task (une par thread). */
typedef struct {
    pthread_t thread;
    atomic_bool stop;     /* levé par sampler_stop */
    const char *prog;
    pid_t parent;         /* le processus du test */
    long max, samples;    /* écrits par le thread seul, lus après son join */
} thread_sampler;

/* false si /proc n'existe pas (hors Linux) : la vérification est alors
 * impossible. */
bool sampler_start(thread_sampler *s, const char *prog);

/* Arrête l'échantillonneur ; renvoie le plus grand nombre de threads vu et,
 * dans *samples, le nombre de relevés faits pendant que le programme
 * vivait. */
long sampler_stop(thread_sampler *s, long *samples);

/* Le test « un seul thread » commun aux deux programmes : lance `prog` sur
 * 20 URL avec un serveur lent (le programme vit assez longtemps pour être
 * observé) et exige un seul thread. */
void check_single_thread(const char *prog);

/* Le cas du serveur muet commun : l'URL d'un serveur qui ne répond jamais,
 * puis /dice ; le délai doit faire échouer la première (voir
 * td6_run_with_silent_server, `where` : où poser le délai), la seconde doit
 * être lue. Renvoie le résultat ; le test juge le code de sortie. */
td6_result run_silent_server(const char *prog, const char *where);

/* Le test « tout est lu » commun : les 160 pages du cours, chacune une fois
 * avec sa taille (dans n'importe quel ordre), et le code de sortie 0. */
void check_all_read(const char *prog);

/* Le test « tout en vol » commun : la liste du cours, un serveur à
 * rendez-vous de 160 ; le serveur doit avoir vu les 160 requêtes en vol
 * ensemble. */
void check_all_in_flight(const char *prog);

/* Le cas « URL en échec » commun : /jython, une page absente (404), une
 * connexion refusée, une réponse 500, /dice. Remplit args[0..4] (et
 * args[5] = NULL), lance `prog`, vérifie les deux « Read » attendus et
 * renvoie le résultat ; le test juge ensuite les messages d'échec. */
td6_result run_failing_urls(const char *prog, const char *args[6]);

/* Le test « attendre sans calculer » commun : 8 URL et 2 s d'attente au
 * moins (asynchrone -m 4 : deux vagues à 1 s ; boucle : une vague à 2 s) ;
 * le temps processeur du programme (wait4) doit rester sous 7,5 % de
 * l'attente. `hint` : où regarder. */
void check_waits_without_cpu(const char *prog, const char *hint);

/* Le test « sous sanitizer » commun : 6 URL (une en échec) avec le
 * programme compilé avec AddressSanitizer + UBSan (make test le construit) :
 * ni accès invalide, ni fuite (une poignée simple jamais rendue par
 * curl_multi_remove_handle + curl_easy_cleanup, la multi jamais libérée). */
void check_sanitized(const char *prog);

#endif
