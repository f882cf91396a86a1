"""/beheer/verzendingen: organisers follow mail jobs (status, progress, failed addresses) and restart a stuck one."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.mail import jobs
from chalicelib.views.auth import form_action, requires
from chalicelib.views.http import json_response, page, redirect

bp = Blueprint(__name__)
BASE = "/beheer/verzendingen"


@bp.route(BASE, methods=["GET"])
@requires(bp, Access.ORGANISER)
def job_list() -> Response:
    return page(bp.current_request, "admin_jobs.html", jobs=jobs.recent())


@bp.route(BASE + "/{job_id}", methods=["GET"])
@requires(bp, Access.ORGANISER)
def job_page(job_id: str) -> Response:
    job = jobs.get(job_id)
    failures = jobs.failures(job_id) if job.failed else []
    return page(bp.current_request, "admin_job.html", job=job, failures=failures, stalled=jobs.may_be_stalled(job))


@bp.route(BASE + "/{job_id}/voortgang", methods=["GET"])
@requires(bp, Access.ORGANISER)
def progress(job_id: str) -> Response:
    """What the job page's script polls, so the bar moves without a reload."""
    job = jobs.get(job_id)
    response = json_response(
        {
            "status": job.status,
            "total": job.total,
            "sent": job.sent,
            "failed": job.failed,
            "skipped": job.skipped,
            "resent": job.resent,
            "done": job.done,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@form_action(bp, BASE + "/{job_id}/opnieuw", Access.ORGANISER)
def restart(form: dict[str, str], job_id: str) -> Response:
    jobs.restart(job_id)
    return redirect(f"{BASE}/{job_id}")
