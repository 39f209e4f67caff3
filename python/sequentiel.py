"""sequentiel.py — chapitre 01 en Python : télécharger les pages une par une.

Le jumeau de td6/01_sequentiel/sequentiel.c, écrit comme le cours le fait
avec requests : une seule Session (elle garde la connexion ouverte d'une
page à l'autre), et chaque page attend la précédente.

    TD6_SERVER=http://127.0.0.1:8606 python3 python/sequentiel.py [URL...]

À observer (make comparer) : le temps est presque celui du C. Le programme
attend le réseau : le langage ne compte pas quand on attend.
"""

import sys
import time

import requests

import td6

USAGE = """usage : {prog} [URL...]
Télécharge les URL une par une (sans argument : la liste du cours)."""


def download_site(url, session):
    with session.get(url) as response:
        response.raise_for_status()
        print(f"Read {len(response.content)} from {url}")


def download_all_sites(sites):
    failures = 0
    with requests.Session() as session:
        for url in sites:
            try:
                download_site(url, session)
            except requests.RequestException as error:
                print(f"Échec de {url} : {error}", file=sys.stderr)
                failures += 1
    return failures


def main():
    _, _, urls = td6.parse_args(sys.argv, USAGE)
    sites = td6.sites(urls)
    start_time = time.time()
    failures = download_all_sites(sites)
    duration = time.time() - start_time
    print(f"Downloaded {len(sites) - failures} in {duration:.3f} seconds")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
