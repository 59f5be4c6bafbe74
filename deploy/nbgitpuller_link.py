"""Print the nbgitpuller link that pulls the course into every learner's home on a JupyterHub.

    $ python deploy/nbgitpuller_link.py https://hub.example.org https://github.com/OWNER/cors_lab
    https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2FOWNER%2Fcors_lab&branch=main&\
urlpath=lab%2Ftree%2Fcors_lab%2Fnotebooks%2F00_start_here.ipynb          (one line; split here to fit)

The first click clones the repository into ~/cors_lab (nbgitpuller names the folder after the repository); later
clicks merge the teacher's new commits without overwriting what the learner changed. The hub's user image needs
nbgitpuller installed (deploy/z2jh/Dockerfile and deploy/tljh/install_course.sh do it).
"""
from __future__ import annotations

import argparse
from urllib.parse import quote

# the same template as in deploy/README.md (tests/test_deploy.py checks they agree)
TEMPLATE = "https://{hub}/hub/user-redirect/git-pull?repo={repo}&branch={branch}&urlpath={urlpath}"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"


def nbgitpuller_link(hub: str, repo: str, branch: str = "main", notebook: str = FIRST_NOTEBOOK) -> str:
    """The link for ``hub`` (a host, or a URL whose scheme is dropped) that pulls ``repo`` and opens ``notebook``.

        >>> nbgitpuller_link("hub.example.org", "https://github.com/OWNER/cors_lab")[:60]
        'https://hub.example.org/hub/user-redirect/git-pull?repo=http'
    """
    host = hub.split("://", 1)[-1].rstrip("/")
    folder = repo.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    urlpath = f"lab/tree/{folder}/{notebook}"
    return TEMPLATE.format(hub=host, repo=quote(repo, safe=""), branch=quote(branch, safe=""),
                           urlpath=quote(urlpath, safe=""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("repo", help="the course's git URL, e.g. https://github.com/OWNER/cors_lab")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--notebook", default=FIRST_NOTEBOOK, help="the notebook to open, inside the repository")
    args = parser.parse_args(argv)
    print(nbgitpuller_link(args.hub, args.repo, args.branch, args.notebook))


if __name__ == "__main__":
    main()
