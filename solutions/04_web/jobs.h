/*
 * jobs.h — chapitre 04 : les requêtes suspendues d'evenementiel.c.
 *
 * evenementiel.c montre la leçon : suspendre une connexion, la confier au
 * thread libcurl, faire avancer tous les transferts dans une multi-poignée,
 * reprendre la connexion. Ici, la tenue des listes qui va avec : relever
 * les transferts finis, savoir quelles requêtes sont complètes, tout
 * abandonner à l'arrêt, libérer une requête répondue.
 */
#ifndef JOBS_H
#define JOBS_H

#include "web.h"

/*
 * Une requête /comic, de son arrivée à sa réponse. Elle passe de main en
 * main, jamais à deux threads à la fois :
 *   1. le thread de libmicrohttpd la remplit, suspend la connexion et la
 *      publie dans la file des arrivées (sous un verrou) ;
 *   2. le thread libcurl la prend, lance et suit ses transferts, puis
 *      reprend la connexion (MHD_resume_connection) ;
 *   3. le thread de libmicrohttpd, rappelé, lit les résultats et répond.
 * Les passages de main (verrou, reprise) garantissent que chacun voit ce
 * que le précédent a écrit.
 */
struct job {
    struct MHD_Connection *conn;
    size_t count;                /* nombre de bandes de la page */
    double start;                /* arrivée de la requête, pour « Time taken » */
    size_t pending;              /* transferts pas encore finis */
    const char *failure;         /* non NULL : abandonnée (arrêt du serveur...) */
    bool done;                   /* ses transferts sont finis : on peut répondre */
    struct transfer transfers[COMIC_COUNT];
    struct job *next;            /* file d'arrivée, puis liste des requêtes en cours */
};

/* Relève les transferts finis de `multi` et les ferme. Les requêtes dont
 * tous les transferts sont finis quittent `active` : elles sont renvoyées,
 * en liste (par next), prêtes à être reprises. */
struct job *jobs_finished(CURLM *multi, struct job **active);

/* Ferme tous les transferts des requêtes de `active` et les marque
 * abandonnées (`why`) ; les renvoie toutes, en liste, prêtes à être reprises. */
struct job *jobs_abort(CURLM *multi, struct job **active, const char *why);

/* La réponse d'une requête reprise : ses images, ou une erreur. */
enum MHD_Result job_answer(struct MHD_Connection *conn, const struct job *job);

/* Pour MHD_OPTION_NOTIFY_COMPLETED : la requête est finie (répondue, ou
 * connexion perdue) ; libère sa struct job. Le thread libcurl n'y touche
 * plus : il a repris la connexion, ou ne l'a jamais eue. */
void job_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                   enum MHD_RequestTerminationCode why);

#endif
