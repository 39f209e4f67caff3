/*
 * messages.c — les verdicts en français : ce qui est arrivé au programme
 * testé, pourquoi c'est un échec, où regarder.
 */
#include "interne.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Un aperçu d'une sortie pour un message : son nombre de lignes et sa
 * dernière ligne (coupée à 150 caractères), ou « rien ». */
const char *output_summary(const char *text, size_t len)
{
    static char buf[256];
    size_t lines = 0, end = len, start;

    if (text == NULL || len == 0)
        return "rien";
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    while (end > 0 && text[end - 1] == '\n')
        end--;
    start = end;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    snprintf(buf, sizeof buf, "%zu ligne%s, la dernière : « %.*s%s »", lines + (text[len - 1]
             != '\n'), lines > 1 ? "s" : "", (int)(end - start > 150 ? 150 : end - start),
             text + start, end - start > 150 ? "..." : "");
    return buf;
}

/* La ligne de `text` qui contient `a` ou `b` (coupée à 200 caractères). */
static const char *error_line(const char *text, const char *a, const char *b)
{
    static char line[256];
    const char *at = strstr(text, b), *start, *end;

    if (at == NULL)
        at = strstr(text, a);
    if (at == NULL)
        return "?";
    start = at;
    while (start > text && start[-1] != '\n')
        start--;
    end = strchr(at, '\n');
    if (end == NULL)
        end = at + strlen(at);
    snprintf(line, sizeof line, "« %.*s »", (int)(end - start > 200 ? 200 : end - start), start);
    return line;
}

static const char *signal_hint(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "accès mémoire invalide : pointeur NULL, tableau dépassé, mémoire déjà libérée ?";
    case SIGABRT:
        return "abort() : un assert raté, une double libération (double free) ?";
    case SIGFPE:
        return "erreur arithmétique : division par zéro ?";
    case SIGBUS:
        return "accès mémoire mal aligné ou fichier tronqué";
    case SIGPIPE:
        return "écriture dans un tube ou une socket fermée";
    case SIGKILL:
        return "tué de l'extérieur (mémoire épuisée ?)";
    case SIGXFSZ:
        return "fichier trop gros : pendant la notation, un fichier écrit (sa sortie "
               "comprise) ne dépasse pas 64 Mio ; une écriture dans une boucle sans fin ?";
    default:
        return "signal inattendu";
    }
}

void td6_require_finished(const td6_result *r, const char *name)
{
    if (r->sandbox_broken)
        ck_abort_msg("%s n'a pas pu être lancé : le bac à sable (bwrap) n'a pas pu être "
                     "monté (%.200s). Ce n'est pas la faute du programme : lancez « make test "
                     "SANS_BAC_A_SABLE=1 » pour noter sans lui.", name,
                     r->err_len > 0 ? r->err : "bwrap n'a rien dit");
    if (r->not_found)
        ck_abort_msg("Impossible de lancer %s : le programme n'est pas construit. "
                     "Lancez « make » et lisez les erreurs de compilation.", td6_program(name));
    if (r->too_many_processes)
        ck_abort_msg("%s a lancé plus de %d processus à la fois : tous ont été arrêtés. "
                     "Un fork() dans une boucle sans fin ? L'enfant doit faire son travail "
                     "puis _exit(), sans reboucler ni forker à son tour ; le parent en "
                     "lance un nombre fixe (-j) et les attend (waitpid).",
                     name, max_processes());
    if (r->flooded) {
        const char *text = r->out_len > 0 ? r->out : r->err;
        int first = (int)strcspn(text, "\n");

        ck_abort_msg("%s a écrit plus de 8 Mio : il a été arrêté, sa sortie coupée. Un "
                     "affichage dans une boucle qui ne s'arrête pas ? Première ligne : "
                     "« %.*s »", name, first > 120 ? 120 : first, text);
    }
    if (r->timed_out && r->idle)
        ck_abort_msg("%s ne s'est pas terminé : il ne faisait plus rien depuis %.0f s (ni "
                     "sortie, ni calcul, ni requête au serveur) et a été arrêté. Un "
                     "interblocage (deadlock : un verrou jamais rendu, un pthread_join ou un "
                     "waitpid qui attend pour toujours, un read sur un tube jamais fermé) ? "
                     "Sortie déjà affichée : %s.", name, td6_scaled(IDLE_S),
                     output_summary(r->out, r->out_len));
    if (r->timed_out && r->silent && r->repeat)
        ck_abort_msg("%s ne s'est pas terminé : déjà bloqué dans un test précédent, il est "
                     "resté ici %.0f s sans rien écrire et a été arrêté (boucle infinie, "
                     "interblocage ?). Corrigez d'abord le premier test bloqué. "
                     "Sortie déjà affichée : %s.", name, r->silence_s,
                     output_summary(r->out, r->out_len));
    if (r->timed_out && r->silent)
        ck_abort_msg("%s ne s'est pas terminé : il a calculé %.0f s sans rien écrire ni rien "
                     "demander au serveur, et a été arrêté. Une boucle infinie (une condition "
                     "qui ne change jamais, un indice qui n'avance pas) ? "
                     "Sortie déjà affichée : %s.", name, r->silence_s,
                     output_summary(r->out, r->out_len));
    if (r->timed_out)
        ck_abort_msg("%s ne s'est pas terminé à temps : une attente sans fin (un appel "
                     "réseau sans délai, CURLOPT_TIMEOUT_MS), une boucle infinie, ou, s'il "
                     "lance des threads ou des processus, un verrou jamais rendu, un "
                     "pthread_join ou un waitpid qui attend pour toujours ? "
                     "Sortie déjà affichée : %s.", name, output_summary(r->out, r->out_len));
    if (!r->exited)
        ck_abort_msg("%s a planté (signal %d, %s) : %s", name, r->signal,
                     strsignal(r->signal), signal_hint(r->signal));
    td6_require_clean(r, name);
    /* Le bac à sable répond EROFS à toute écriture hors du dossier de
     * travail ; un programme qui le signale (perror) a tenté l'interdit. */
    if (strstr(r->err, "Read-only file system") != NULL ||
        strstr(r->err, "Système de fichiers accessible en lecture seule") != NULL)
        ck_abort_msg("%s a tenté d'écrire hors de son dossier de travail, ce qui est interdit "
                     "pendant la notation : le programme ne voit les fichiers qu'en lecture "
                     "seule, sauf son dossier courant (un /tmp neuf, à lui seul, effacé à la "
                     "fin). Un programme du TD n'écrit que sur sa sortie ; les fichiers du "
                     "dépôt, du correcteur et de $HOME ne le regardent pas. Erreur vue : %s.",
                     name, error_line(r->err, "lecture seule", "Read-only file system"));
    if (r->leftovers)
        ck_abort_msg("%s s'est terminé en laissant %d processus derrière lui (le test les "
                     "a tués) : un enfant jamais attendu (waitpid) ou jamais arrêté ? "
                     "Restaient : %s.", name, r->leftover_count, leftover_names());
}

/* Un rapport de sanitizer dans stderr : le programme a fini, mais il a un
 * défaut que le test ne voit pas toujours (make sanitize). */
void td6_require_clean(const td6_result *r, const char *name)
{
    static const struct {
        const char *mark, *what;
    } reports[] = {
        { "WARNING: ThreadSanitizer: data race", "une course de données (data race) : deux "
          "threads touchent la même variable sans verrou, l'un en écriture" },
        { "ThreadSanitizer", "un problème de threads (ThreadSanitizer)" },
        { "ERROR: AddressSanitizer", "un accès mémoire invalide (AddressSanitizer)" },
        { "ERROR: LeakSanitizer", "une fuite de mémoire (LeakSanitizer) : un malloc sans free" },
        { "runtime error:", "un comportement indéfini (UBSan), par exemple un dépassement "
          "d'entier signé" },
    };
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        const char *at = strstr(r->err, reports[i].mark);

        if (at != NULL) {
            char frame[300];

            ck_abort_msg("%s : le sanitizer a trouvé %s. Premier endroit de votre code dans "
                         "le rapport : %s. Début du rapport : %.300s", name, reports[i].what,
                         td6_student_frame(at, frame, sizeof frame), at);
        }
    }
    /* valgrind (make valgrind, option -q) n'écrit que ses rapports, chaque
     * ligne préfixée par « ==pid== ». */
    for (const char *at = strstr(r->err, "=="); at != NULL; at = strstr(at + 2, "==")) {
        int pid, len = 0;

        if (sscanf(at, "==%d==%n", &pid, &len) == 1 && len > 0 && at[len] == ' ')
            ck_abort_msg("%s : valgrind (memcheck) a trouvé un problème de mémoire "
                         "(lecture invalide, variable non initialisée, fuite...). Début du "
                         "rapport : %.400s", name, at);
    }
}

void td6_result_free(td6_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

