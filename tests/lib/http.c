/*
 * http.c — les requêtes HTTP du test (libcurl) : vers le serveur local
 * (/stats) ou vers un programme du chapitre 04 lancé par td6_spawn. Les
 * erreurs sont dites en français, suivies du texte de libcurl.
 */
#include "interne.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool curl_ready;

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    buffer_add(userdata, data, size * n);
    return size * n;
}

td6_http td6_request(const char *method, const char *url, double timeout_s)
{
    td6_http h = { 0 };
    buffer body = { 0 };
    CURL *curl;
    CURLcode rc;

    const char *target = spawned_name_for(url);
    char quiet_in[128];
    bool repeat = target != NULL && state_get("muet", target, quiet_in, sizeof quiet_in);

    /* Récidive : ce programme n'a déjà pas répondu dans un test précédent. */
    if (repeat && timeout_s > REPEAT_HTTP_S)
        timeout_s = REPEAT_HTTP_S;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    curl = curl_easy_init();
    ck_assert_msg(curl != NULL, "curl_easy_init a échoué");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(td6_scaled(timeout_s) * 1000));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    else if (strcmp(method, "GET") != 0)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &h.status);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(h.error, sizeof h.error, "pas de réponse complète dans le délai (%.3g s)%s "
                 "(%s)", td6_scaled(timeout_s), repeat ? ", déjà muet dans un test précédent"
                 : "", curl_easy_strerror(rc));
    else if (rc == CURLE_COULDNT_CONNECT)
        snprintf(h.error, sizeof h.error, "connexion refusée : personne n'écoute à cette "
                 "adresse (%s)", curl_easy_strerror(rc));
    else if (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR)
        snprintf(h.error, sizeof h.error, "connexion fermée sans réponse HTTP (%s)",
                 curl_easy_strerror(rc));
    else
        snprintf(h.error, sizeof h.error, "échec de la requête (%s)", curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT && target != NULL)
        state_set("muet", target);
    curl_easy_cleanup(curl);
    h.body = buffer_take(&body);
    h.len = body.len;
    return h;
}

td6_http td6_get(const char *url, double timeout_s)
{
    return td6_request("GET", url, timeout_s);
}

void td6_http_free(td6_http *h)
{
    free(h->body);
    h->body = NULL;
}

