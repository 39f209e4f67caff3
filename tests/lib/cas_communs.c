/*
 * cas_communs.c — deux cas que jugent de la même façon tous les programmes
 * qui téléchargent (chapitres 01 à 03) : un serveur muet (le délai), et pas
 * de serveur du tout ; et la ligne « Downloaded » des chapitres 01 et 02.
 * Chaque suite y ajoute ce qui est propre à son programme (l'ordre des
 * lignes, le nombre d'échecs signalés...).
 */
#include "interne.h"

#include <string.h>

td6_result td6_run_with_silent_server(const char *prog, const char *const *args,
                                      const char *slow, const char *where)
{
    const char *env[] = { "TD6_TIMEOUT_MS=300", NULL };
    td6_result r = td6_run(prog, args, env, 10);

    /* Bloqué, sans avoir rien dit de l'URL muette : aucun délai n'est posé.
     * Le dire plutôt que « le programme est bloqué », qui serait vrai mais
     * n'aiderait pas. */
    if (r.timed_out && strstr(r.err, slow) == NULL)
        ck_abort_msg("%s attend encore la réponse du serveur muet après %.0f s : aucun délai "
                     "n'est réglé. $TD6_TIMEOUT_MS (ici 300 ms) donne le délai à poser avec "
                     "CURLOPT_TIMEOUT_MS (td6_timeout_ms()), %s. Sortie déjà affichée : "
                     "« %.200s »", prog, td6_scaled(10), where, r.out);
    td6_require_finished(&r, prog);
    ck_assert_msg(strstr(r.err, slow) != NULL,
                  "Un serveur qui ne répond pas doit faire échouer SON URL au bout du délai "
                  "($TD6_TIMEOUT_MS, ici 300 ms : CURLOPT_TIMEOUT_MS = td6_timeout_ms(), %s) ; "
                  "stderr : « %.300s »", where, r.err);
    return r;
}

void td6_check_downloaded(const char *line, size_t count)
{
    size_t n = 0;
    double seconds = -1;

    ck_assert_msg(td6_downloaded_line(line, &n, &seconds),
                  "Dernière ligne attendue : « Downloaded %zu in <durée> seconds », lue : « %s ».",
                  count, line != NULL ? line : "(rien)");
    ck_assert_msg(n == count && seconds >= 0,
                  "« Downloaded » annonce %zu pages (attendu %zu) en %g s.", n, count, seconds);
}

td6_result td6_run_without_server(const char *prog, const char *hint)
{
    /* Personne n'écoute sur le port 1 : chaque connexion est refusée. */
    const char *env[] = { "TD6_SERVER=http://127.0.0.1:1", NULL };
    td6_result r = td6_run(prog, NULL, env, 30);

    td6_require_finished(&r, prog);
    ck_assert_msg(td6_count(r.out, "Read ") == 0,
                  "Aucun serveur : aucune page ne peut être lue, et pourtant la sortie "
                  "contient des « Read ». %s", hint);
    return r;
}
