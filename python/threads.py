"""threads.py — chapitre 02 en Python : un pool de threads qui télécharge.

Le jumeau de td6/02_threads/threads.c : ThreadPoolExecutor (5 ouvriers par
défaut, comme le cours) et une Session requests PAR THREAD (threading.local),
parce qu'une Session n'est pas faite pour servir deux threads à la fois —
la même raison qui interdit en C de partager une poignée curl.

    python3 python/threads.py [-w OUVRIERS] [URL...]

À observer (make comparer) : le serveur voit 5 requêtes en vol, comme en C ;
le GIL ne gêne pas, car un thread qui attend le réseau le rend.
"""

import concurrent.futures
import sys
import threading
import time

import requests

import td6

USAGE = """usage : {prog} [-w OUVRIERS] [URL...]
Télécharge les URL avec un pool de threads (OUVRIERS de 1 à 1000, 5 par défaut)."""

# Une Session par thread : chaque thread trouve la sienne ici.
thread_local = threading.local()


def get_session():
    if not hasattr(thread_local, "session"):
        thread_local.session = requests.Session()
    return thread_local.session


def download_site(url):
    session = get_session()
    try:
        with session.get(url) as response:
            response.raise_for_status()
            print(f"Read {len(response.content)} from {url}", flush=True)
            return True
    except requests.RequestException as error:
        print(f"Échec de {url} : {error}", file=sys.stderr)
        return False


def download_all_sites(sites, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(download_site, sites))


def main():
    _, values, urls = td6.parse_args(sys.argv, USAGE, {"-w": ("workers", 5, 1, 1000)})
    sites = td6.sites(urls)
    start_time = time.time()
    results = download_all_sites(sites, values["workers"])
    duration = time.time() - start_time
    print(f"Downloaded {sum(results)} in {duration:.3f} seconds")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
