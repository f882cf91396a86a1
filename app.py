"""The network portal on AWS Chalice: wires blueprints (pages, API, scheduled jobs) and the error handler. Nothing else."""

import gc

# Importing the portal makes thousands of objects that live as long as the process (classes, functions,
# routes): the garbage collector finds next to nothing among them, and searching costs a cold start
# about 20 ms (make bench). It starts again below, after they are frozen.
gc.disable()

from chalice.app import Chalice

from chalicelib.core.faults import reported_as_busy
from chalicelib.views import (
    account,
    admin,
    admin_events,
    admin_exports,
    admin_jobs,
    admin_library,
    admin_network,
    admin_news,
    admin_questions,
    admin_registrations,
    admin_speakers,
    admin_suppressions,
    api,
    evaluation,
    group_documents,
    groups,
    jobs,
    library,
    logos,
    missing,
    news,
    outbox,
    pages,
    signin,
    speaker,
)
from chalicelib.views.errors import error_middleware

app = Chalice(app_name="network-portal")
# certificates are PDF: API Gateway passes them through as binary
app.api.binary_types.append("application/pdf")
app.register_blueprint(pages.bp)
app.register_blueprint(api.bp)
app.register_blueprint(outbox.bp)
app.register_blueprint(signin.bp)
app.register_blueprint(account.bp)
app.register_blueprint(admin.bp)
app.register_blueprint(admin_events.bp)
app.register_blueprint(admin_exports.bp)
app.register_blueprint(evaluation.bp)
app.register_blueprint(admin_jobs.bp)
app.register_blueprint(admin_library.bp)
app.register_blueprint(admin_network.bp)
app.register_blueprint(admin_news.bp)
app.register_blueprint(admin_questions.bp)
app.register_blueprint(admin_registrations.bp)
app.register_blueprint(admin_speakers.bp)
app.register_blueprint(admin_suppressions.bp)
app.register_blueprint(speaker.bp)
app.register_blueprint(groups.bp)
app.register_blueprint(group_documents.bp)
app.register_blueprint(library.bp)
app.register_blueprint(logos.bp)
app.register_blueprint(news.bp)
app.register_blueprint(jobs.bp)
app.register_blueprint(missing.bp)
for methods in app.routes.values():
    for entry in methods.values():
        entry.view_function = reported_as_busy(entry.view_function)
app.register_middleware(error_middleware(app), "http")

# Everything made so far lives as long as the process. Moved out of the garbage collector's sight,
# it no longer makes each later collection slower: a cold start's DynamoDB client is made in about
# 58 ms instead of 80 (make bench).
gc.freeze()
gc.enable()
