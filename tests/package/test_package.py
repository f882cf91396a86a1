"""The Lambda package: built by `chalice package`, it carries the templates and
the compiled catalog, and renders pages from its own unpacked files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.aws import REGION, ROOT

# one process takes every test here, so that the package is built once (about 20 s), not in each
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("package")]

# Runs inside the unpacked package, which is first on sys.path: the app, its
# templates and its libraries all come from the zip's files.
RENDER = """
import json, os, sys
from datetime import date
import jinja2

compiled = []
def compile(self, source, name=None, *args, **kwargs):
    compiled.append(name)
    raise AssertionError(f"compiled {name} on a cold start")
jinja2.Environment.compile = compile

import app, chalicelib.core.rendering
from email_validator import validate_email
from chalicelib.events.calendar import event_ics
from chalicelib.events.model import Event

def get(path, resource=None, params=None):
    # an API Gateway proxy event, as Lambda hands it to the handler
    resource = resource or path
    event = {
        "resource": resource, "path": path, "httpMethod": "GET",
        # outside the local stage cookies carry the __Host- prefix
        # the host selects the network: the default one's
        "headers": {"cookie": "__Host-lang=en", "host": "127.0.0.1"},
        "multiValueHeaders": {"cookie": ["__Host-lang=en"], "host": ["127.0.0.1"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": params, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": path, "stage": "api"},
    }
    return app.app(event, None)

privacy = get("/privacy")
css = get("/static/portal.css", "/static/{name}", {"name": "portal.css"})
email = validate_email("naam@gemeente.nl", check_deliverability=False).normalized
from chalicelib.core import tenancy
from chalicelib.networks import service as networks
with tenancy.within(networks.default()):
    ics = event_ics(Event("bijeenkomst", "Bijeenkomst", date(2026, 9, 18), "13:30", "17:00", "Raadzaal", 60))
here = os.getcwd()
import gc
own_code, library_code = chalicelib.core.rendering.environment.__wrapped__.__code__, jinja2.Environment.__init__.__code__
shipped = [m for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith(here)]
print(json.dumps({
    "app": app.__file__,
    "templates": "compiled" if chalicelib.core.rendering.COMPILED_TEMPLATES_DIR.is_dir() else "sources",
    "jinja2": jinja2.__file__,
    "compiled": compiled,
    "shipped": len(shipped),
    "without_bytecode": [
        m.__name__ for m in shipped
        if not m.__file__.endswith(".so") and not (m.__cached__ and os.path.exists(m.__cached__))
    ],
    "status": privacy["statusCode"],
    "privacy": privacy["body"],
    "css": css["statusCode"],
    "email": email,
    "dns": "dns" in sys.modules,
    "xlsxwriter": "xlsxwriter" in sys.modules,
    "pydyf": "pydyf" in sys.modules,
    "ics": ics.decode(),
    "gc": gc.isenabled(),
    "columns": [any(c is not None for _, _, c, _ in code.co_positions()) for code in (own_code, library_code)],
}))
"""


def _run(*command: str) -> None:
    env = {**os.environ, "AWS_DEFAULT_REGION": REGION}  # chalice asks for one, though it calls nothing
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`chalice package` of `make package`, once per session: both builds below start from it."""
    out = tmp_path_factory.mktemp("chalice") / "package"
    chalice = str(Path(sys.executable).parent / "chalice")
    _run(chalice, "package", "--stage", "dev", "--merge-template", "infra/resources.json", str(out))
    return out


def _lean(packaged: Path, out: Path, *options: str) -> Path:
    """The lean step of `make package` (devtools/lean_package.py) on a copy of the chalice package."""
    shutil.copytree(packaged, out)
    _run(sys.executable, "-m", "devtools.lean_package", str(out), *options)
    return out


@pytest.fixture(scope="session")
def package(packaged: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """As deployed: bytecode for the runtime's Python, which is not this machine's."""
    return _lean(packaged, tmp_path_factory.mktemp("package") / "package")


@pytest.fixture(scope="session")
def package_here(packaged: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same package with bytecode for this machine's Python, to run it here."""
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return _lean(packaged, tmp_path_factory.mktemp("package_here") / "package", "--python", here)


def test_zip_carries_compiled_templates_catalog_and_no_dead_weight(package: Path):
    names = set(zipfile.ZipFile(package / "deployment.zip").namelist())
    assert {"app.py", "chalicelib/core/rendering.py", "jinja2/environment.pyc"} <= names
    assert "chalicelib/locale/en/LC_MESSAGES/messages.mo" in names
    assert {"chalicelib/static/portal.css", "chalicelib/static/nlds.css", "chalicelib/static/theme.css"} <= names
    assert "chalicelib/static/nlds-licences/EUPL-1.2.md" in names  # the vendored CSS's licence goes along
    assert "xlsxwriter/workbook.pyc" in names
    assert "pydyf/__init__.pyc" in names
    templates = sorted(p.name for p in (ROOT / "templates").rglob("*") if p.is_file())
    assert len([n for n in names if n.startswith("compiled_templates/tmpl_")]) == len(templates)
    assert not any(n.startswith("templates/") for n in names)  # the sources of the compiled ones
    assert not any(n.startswith(("devtools/", "tests/", "moto/", "babel/", "playwright/")) for n in names)
    # never imported: dnspython (deliverability checks are off), dateutil's zone tarball (tzdata serves
    # zoneinfo), libraries' tests, stubs, package metadata, and bytecode of this machine's Python
    assert not any(n.startswith(("dns/", "icalendar/tests/")) for n in names)
    assert not any(n.endswith((".tar.gz", ".pyi", "py.typed")) for n in names)
    assert not any(".dist-info/" in n or ("__pycache__/" in n and "cpython-312" not in n) for n in names)


def test_all_python_is_bytecode_for_the_runtime(package: Path):
    """Lambda's /var/task is read-only: a module without bytecode for python3.12 is compiled on every
    cold start. The portal's own modules keep their source, so tracebacks show the line."""
    magic_312 = (3531).to_bytes(2, "little") + b"\r\n"
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = archive.namelist()
        compiled = {n: archive.read(n)[:4] for n in names if n.endswith(".pyc")}
    sources = [n for n in names if n.endswith(".py")]
    assert sources
    assert all(n == "app.py" or n.startswith("chalicelib/") for n in sources)
    assert {f"{Path(n).parent}/__pycache__/{Path(n).stem}.cpython-312.pyc" for n in sources if "/" in n} <= set(
        compiled
    )
    assert set(compiled.values()) == {magic_312}


def test_unpacked_package_renders_a_page_from_bytecode(package_here: Path, tmp_path: Path, moto_server: str):
    unpacked = tmp_path / "lambda"
    zipfile.ZipFile(package_here / "deployment.zip").extractall(unpacked)
    # a cold start's first request reads the list of networks (one Query): from the test's moto server
    env = {**os.environ, "PYTHONPATH": str(unpacked), "STAGE": "dev", "SECRET_KEY": "s" * 40}
    env.pop("SECRET_KEY_PARAMETER", None)
    result = subprocess.run(
        [sys.executable, "-c", RENDER], cwd=unpacked, env=env, capture_output=True, text=True, check=True
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    for path in ("app", "jinja2"):
        assert seen[path].startswith(str(unpacked)), path
    assert seen["templates"] == "compiled"
    assert seen["compiled"] == []  # no template was compiled to answer
    assert seen["shipped"] > 100  # modules loaded from the package: app, chalicelib, libraries, templates
    assert seen["without_bytecode"] == []  # every one of them came from its bytecode
    assert seen["status"] == 200
    assert "Privacy statement" in seen["privacy"]  # English: the compiled catalog came along
    # Lambda gets the path without the stage (/api) from the custom domain the template maps to the
    # API's root: the page's root-relative links and its form posts are right there as they are
    links = re.findall(r'(?:href|action|src)="([^"]+)"', seen["privacy"])
    assert links
    assert all(link.startswith(("/", "#", "mailto:")) and not link.startswith("/api/") for link in links)
    assert seen["css"] == 200
    assert seen["email"] == "naam@gemeente.nl"
    assert seen["dns"] is False  # addresses are checked without dnspython
    assert seen["xlsxwriter"] is False  # imported by the export worker only, never on a page's cold start
    assert seen["pydyf"] is False  # imported when a certificate is made, never on a page's cold start
    assert "DTSTART;TZID=Europe/Amsterdam:20260918T133000" in seen["ics"]  # a calendar file without the tarball
    assert seen["gc"] is True  # paused while the app is imported (app.py), and on again after
    assert seen["columns"] == [False, False]  # bytecode without column positions: a smaller zip, less to read


def test_the_portal_is_served_at_the_root_of_its_own_domain(package: Path):
    """The execute-api URL puts the stage (/api) before every path, which root-relative links leave out;
    the template therefore requires the portal's domain and maps it to the API's root."""
    template = json.loads((package / "sam.json").read_text())
    for parameter in ("DomainName", "CertificateArn"):
        assert "Default" not in template["Parameters"][parameter]  # required: no deploy without it
    domain = template["Resources"]["RestAPI"]["Properties"]["Domain"]
    assert domain["DomainName"] == {"Ref": "DomainName"}
    assert domain["BasePath"] == ["/"]
    assert domain["SecurityPolicy"] == "TLS_1_2"
    assert template["Outputs"]["PortalURL"]["Value"] == {"Fn::Sub": "https://${DomainName}/"}
    assert template["Outputs"]["PortalDomainTarget"]["Value"] == {
        "Fn::GetAtt": ["RestAPI.DomainName", "DistributionDomainName"]
    }
    # every further network's host name: its own edge domain, mapped to the root of the same API's stage
    slots = _network_domain_slots(template)
    assert slots == [1, 2, 3, 4]
    resources, outputs = template["Resources"], template["Outputs"]
    for n in slots:
        given = f"NetworkDomain{n}Given"
        assert template["Parameters"][f"NetworkDomainName{n}"]["Default"] == ""  # optional
        extra = resources[f"NetworkDomain{n}"]
        assert (extra["Type"], extra["Condition"]) == ("AWS::ApiGateway::DomainName", given)
        assert extra["Properties"]["DomainName"] == {"Ref": f"NetworkDomainName{n}"}
        assert extra["Properties"]["EndpointConfiguration"] == {"Types": ["EDGE"]}  # as the API: us-east-1 certificates
        assert extra["Properties"]["SecurityPolicy"] == "TLS_1_2"
        mapping = resources[f"NetworkDomain{n}Mapping"]
        assert (mapping["Type"], mapping["Condition"]) == ("AWS::ApiGateway::BasePathMapping", given)
        assert "BasePath" not in mapping["Properties"]  # the root: links stay root-relative on every host
        assert mapping["Properties"]["DomainName"] == {"Ref": f"NetworkDomain{n}"}
        assert mapping["Properties"]["RestApiId"] == {"Ref": "RestAPI"}
        assert mapping["Properties"]["Stage"] == {"Ref": "RestAPI.Stage"}  # waits for the stage SAM makes
        target = outputs[f"NetworkDomain{n}Target"]
        assert target["Condition"] == given
        assert target["Value"] == {"Fn::GetAtt": [f"NetworkDomain{n}", "DistributionDomainName"]}


def _network_domain_slots(template: dict[str, Any]) -> list[int]:
    return sorted(int(m[1]) for p in template["Parameters"] if (m := re.fullmatch(r"NetworkDomainName(\d+)", p)))


NO_VALUE = {"Ref": "AWS::NoValue"}


def _value(expression: Any, conditions: dict[str, Any], parameters: dict[str, str]) -> Any:
    """An expression's value for the given parameters, as CloudFormation works it out: the functions
    the domains' conditions, certificates and upload origins use (AWS::NoValue stays as it is)."""
    if isinstance(expression, str) or expression == NO_VALUE:
        return expression
    [(function, argument)] = expression.items()
    if function == "Ref":
        return parameters[argument]
    if function == "Condition":
        return _value(conditions[argument], conditions, parameters)
    if function == "Fn::Sub":
        return re.sub(r"\$\{(\w+)\}", lambda m: parameters[m[1]], argument)
    if function == "Fn::If":
        condition, then, otherwise = argument
        chosen = then if _value({"Condition": condition}, conditions, parameters) else otherwise
        return _value(chosen, conditions, parameters)
    values = [_value(v, conditions, parameters) for v in argument]
    return {
        "Fn::Not": lambda: not values[0],
        "Fn::Equals": lambda: values[0] == values[1],
        "Fn::And": lambda: all(values),
        "Fn::Or": lambda: any(values),
    }[function]()


def _stack(template: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """What a stack made with these parameters holds: the parameters (checked as CloudFormation checks
    them), the resources and outputs whose Condition holds, each extra domain's certificate and the
    origins that may upload to the bucket."""
    parameters = {name: given.get(name, p.get("Default")) for name, p in template["Parameters"].items()}
    missing = [name for name, value in parameters.items() if value is None]
    assert not missing, f"no deploy without {missing}"
    for name, value in parameters.items():
        pattern = template["Parameters"][name].get("AllowedPattern")
        assert pattern is None or re.fullmatch(pattern, str(value)), (name, value)
    conditions = template.get("Conditions", {})

    def resolved(expression: Any) -> Any:
        return _value(expression, conditions, parameters)

    def kept(section: dict[str, Any]) -> set[str]:
        return {k for k, v in section.items() if "Condition" not in v or resolved({"Condition": v["Condition"]})}

    resources = kept(template["Resources"])
    domains = [
        template["Resources"][name]["Properties"]
        for name in resources
        if template["Resources"][name]["Type"] == "AWS::ApiGateway::DomainName"
    ]
    [cors] = template["Resources"]["PortalBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    return {
        "resources": resources,
        "outputs": kept(template["Outputs"]),
        "certificates": {resolved(d["DomainName"]): resolved(d["CertificateArn"]) for d in domains},
        "upload_origins": [o for o in map(resolved, cors["AllowedOrigins"]) if o != NO_VALUE],
    }


def test_each_network_named_at_deploy_gets_its_domain_and_none_named_leaves_the_default_alone(package: Path):
    """The extra domains are optional: a stack given only the portal's own domain deploys as before,
    and one given further host names gets a domain, a root mapping and a DNS output for each."""
    template = json.loads((package / "sam.json").read_text())
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/portal"
    required = {"DomainName": "portal.example", "CertificateArn": certificate}
    extra = {"AWS::ApiGateway::DomainName", "AWS::ApiGateway::BasePathMapping"}

    alone = _stack(template, required)
    assert not [r for r in alone["resources"] if template["Resources"][r]["Type"] in extra]
    assert not [o for o in alone["outputs"] if o.startswith("NetworkDomain")]
    assert {"RestAPI", "APIHandler"} <= alone["resources"]
    assert {"PortalURL", "PortalDomainTarget"} <= alone["outputs"]
    assert alone["upload_origins"] == ["https://portal.example"]

    own = "arn:aws:acm:us-east-1:123456789012:certificate/haaglanden"
    networks = required | {
        "NetworkDomainName1": "haaglanden.portal.example",
        "NetworkCertificateArn1": own,
        "NetworkDomainName2": "utrecht.portal.example",  # covered by the portal's wildcard certificate
    }
    two = _stack(template, networks)
    added = two["resources"] - alone["resources"]
    assert added == {"NetworkDomain1", "NetworkDomain1Mapping", "NetworkDomain2", "NetworkDomain2Mapping"}
    assert two["outputs"] - alone["outputs"] == {"NetworkDomain1Target", "NetworkDomain2Target"}
    assert two["certificates"] == {"haaglanden.portal.example": own, "utrecht.portal.example": certificate}
    # a speaker's upload goes from the page straight to the bucket: every network's host may send it
    assert two["upload_origins"] == [
        "https://portal.example",
        "https://haaglanden.portal.example",
        "https://utrecht.portal.example",
    ]

    # negative controls: a domain without its Condition would be made in every stack, and a host name
    # that is not one would be refused before anything is made
    unconditional = json.loads(json.dumps(template))
    del unconditional["Resources"]["NetworkDomain3"]["Condition"]
    assert "NetworkDomain3" in _stack(unconditional, required)["resources"]
    with pytest.raises(AssertionError):
        _stack(template, required | {"NetworkDomainName1": "https://haaglanden.portal.example/"})


def test_template_defines_the_table_and_bucket_as_required(package: Path):
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    table = resources["PortalTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"]["Enabled"] is True
    bucket = resources["PortalBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    handler = resources["APIHandler"]["Properties"]
    assert handler["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "PortalTable"}
    assert "RestAPI" in resources


def test_template_wires_the_workers_to_their_queues_and_ses_to_the_notifications(package: Path):
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    for function, queue, dead in (
        ("SendMail", "network-portal-mail-${Stage}", "MailDeadLetterQueue"),
        ("MakeExport", "network-portal-exports-${Stage}", "ExportDeadLetterQueue"),
        ("SendSignInLink", "network-portal-signin-${Stage}", "SignInDeadLetterQueue"),
        ("CheckUpload", "network-portal-uploads-${Stage}", "UploadDeadLetterQueue"),
    ):
        [source] = resources[function]["Properties"]["Events"].values()
        assert source["Type"] == "SQS"
        assert source["Properties"]["Queue"]["Fn::Sub"].endswith(f":{queue}")
        assert source["Properties"]["BatchSize"] == 1
        queue_resource = next(
            r
            for r in resources.values()
            if r["Type"] == "AWS::SQS::Queue" and r["Properties"]["QueueName"] == {"Fn::Sub": queue}
        )
        assert queue_resource["Properties"]["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dead, "Arn"]},
            "maxReceiveCount": 5,
        }
        # a message stays hidden longer than the function may run, so it is not handed out twice at once
        assert queue_resource["Properties"]["VisibilityTimeout"] >= 6 * resources[function]["Properties"]["Timeout"]
    assert resources["CheckUpload"]["DependsOn"] == "UploadQueue"  # the queue's ARN is written, not referenced
    assert resources["SendMail"]["Properties"]["ReservedConcurrentExecutions"] == 1  # one sender keeps SES's pace
    # text extraction: a standard queue, several files read at once (up to a bound), a poison file
    # ending within its step; the index worker, the one writer of the index, takes changes in batches
    [extraction] = resources["ExtractText"]["Properties"]["Events"].values()
    assert extraction["Type"] == "SQS"
    assert extraction["Properties"]["Queue"]["Fn::Sub"].endswith(":network-portal-extract-${Stage}")
    assert extraction["Properties"]["BatchSize"] == 1
    assert extraction["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 20}
    extract_queue = resources["ExtractQueue"]["Properties"]
    assert "FifoQueue" not in extract_queue
    assert extract_queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["ExtractDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 3,
    }
    assert extract_queue["VisibilityTimeout"] >= 6 * resources["ExtractText"]["Properties"]["Timeout"]
    [index] = resources["UpdateSearchIndex"]["Properties"]["Events"].values()
    assert index["Properties"]["BatchSize"] == 10
    assert resources["UpdateSearchIndex"]["Properties"]["ReservedConcurrentExecutions"] == 1
    for function in ("APIHandler", "UpdateSearchIndex"):  # the functions that queue readings
        variables = resources[function]["Properties"]["Environment"]["Variables"]
        assert variables["EXTRACT_QUEUE_URL"] == {"Ref": "ExtractQueue"}
    [notifications] = resources["SesNotifications"]["Properties"]["Events"].values()
    assert notifications["Type"] == "SNS"
    assert notifications["Properties"]["Topic"]["Fn::Sub"].endswith(":network-portal-ses-events-${Stage}")
    assert resources["SesEventsTopic"]["Properties"]["TopicName"] == {"Fn::Sub": "network-portal-ses-events-${Stage}"}
    destination = resources["MailEventsToTopic"]["Properties"]["EventDestination"]
    assert destination["SnsDestination"] == {"TopicARN": {"Ref": "SesEventsTopic"}}
    assert sorted(destination["MatchingEventTypes"]) == ["bounce", "complaint"]
    for function in ("APIHandler", "SendMail"):
        variables = resources[function]["Properties"]["Environment"]["Variables"]
        assert variables["MAIL_CONFIGURATION_SET"] == {"Ref": "MailConfigurationSet"}
    for function in (
        "APIHandler",
        "MakeExport",
        "UpdateSearchIndex",
        "ExtractText",
        "CheckUpload",
    ):  # the functions that use the bucket
        assert resources[function]["Properties"]["Environment"]["Variables"]["BUCKET_NAME"] == {"Ref": "PortalBucket"}
    assert "KmsMasterKeyId" not in resources["SesEventsTopic"]["Properties"]  # SES cannot use the AWS managed key


def test_the_bucket_reports_uploads_to_their_check_and_expires_what_is_left(package: Path):
    """Every object created under the incoming prefix goes to the upload queue, which only this bucket may
    send to; a lifecycle rule removes what is still there after a day. The bucket waits for the queue's
    policy (S3 tests the destination when the notification is set)."""
    from chalicelib.core.object_keys import INCOMING_PREFIX, LOGO_UPLOADS_PREFIX

    resources = json.loads((package / "sam.json").read_text())["Resources"]
    bucket = resources["PortalBucket"]
    assert bucket["DependsOn"] == "UploadQueuePolicy"
    [reported] = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert reported["Event"] == "s3:ObjectCreated:*"
    assert reported["Queue"] == {"Fn::GetAtt": ["UploadQueue", "Arn"]}
    assert reported["Filter"] == {"S3Key": {"Rules": [{"Name": "prefix", "Value": INCOMING_PREFIX}]}}
    [expiry] = [r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"] if r["Prefix"] == INCOMING_PREFIX]
    assert (expiry["Status"], expiry["ExpirationInDays"], expiry["NoncurrentVersionExpiration"]) == (
        "Enabled",
        1,
        {"NoncurrentDays": 1},
    )
    # nothing else expires but unchecked logos (not reported: checked when the organiser comes back):
    # materials are kept under uploads/ and documents/, logos under logos/
    assert {
        r["Prefix"] for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r
    } == {
        "exports/",
        INCOMING_PREFIX,
        LOGO_UPLOADS_PREFIX,
    }
    [statement] = resources["UploadQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    bucket_arn = statement["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Sub"]
    assert bucket_arn.endswith(":s3:::" + bucket["Properties"]["BucketName"]["Fn::Sub"])
    assert resources["UploadQueuePolicy"]["Properties"]["Queues"] == [{"Ref": "UploadQueue"}]
    assert "FifoQueue" not in resources["UploadQueue"]["Properties"]  # S3 cannot send to a FIFO queue


def test_the_runtime_has_fts5_and_the_package_runs_on_it(package: Path):
    """The search index needs SQLite's FTS5: the python3.12 runtime (Amazon Linux 2023, SQLite 3.40) has
    it, python3.11's (Amazon Linux 2, SQLite 3.7.17) does not. The zip is built on this machine's
    Python, so its compiled modules must load on 3.12 too: nh3 is abi3, MarkupSafe falls back to Python."""
    import sqlite3

    from chalicelib.library import search_index

    resources = json.loads((package / "sam.json").read_text())["Resources"]
    runtimes = {r["Properties"]["Runtime"] for r in resources.values() if r["Type"] == "AWS::Serverless::Function"}
    assert runtimes == {"python3.12"}
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        compiled = {n for n in archive.namelist() if n.endswith(".so")}
    assert {n.split("/")[0] for n in compiled} == {"markupsafe", "nh3"}
    assert all(n.endswith(".abi3.so") or n.startswith("markupsafe/_speedups") for n in compiled)
    search_index.create(sqlite3.connect(":memory:"))  # FTS5 with the index's tokenizer, here


def test_an_unknown_route_carries_the_security_headers(package: Path):
    """API Gateway answers an unknown path itself, without the app: its response sets the headers."""
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    headers = resources["MissingRouteNotFound"]["Properties"]["ResponseParameters"]
    assert {name.removeprefix("gatewayresponse.header.") for name in headers} >= {
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Strict-Transport-Security",
        "Cache-Control",
    }


FUNCTIONS = (
    "APIHandler",
    "SendMail",
    "SendReminders",
    "SendEvaluations",
    "SendDigests",
    "MakeExport",
    "SendSignInLink",
    "SesNotifications",
    "UpdateSearchIndex",
    "ExtractText",
    "AnonymiseRegistrations",
    "RebuildSearchIndex",
    "CheckUpload",
)
SCHEDULED = ("SendReminders", "SendEvaluations", "SendDigests", "AnonymiseRegistrations", "RebuildSearchIndex")


def test_every_failure_reaches_the_alarm_topic(package: Path):
    """Each alarm, its metric and threshold; all of them, and failed scheduled jobs, go to one topic."""
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    alarms = {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    simple = {
        name: (a["Namespace"], a["MetricName"], a.get("Statistic") or a["ExtendedStatistic"], a["Threshold"])
        for name, a in alarms.items()
        if "MetricName" in a
    }
    assert set(resources) >= set(FUNCTIONS)
    for function in FUNCTIONS:
        assert simple[f"{function}Errors"] == ("AWS/Lambda", "Errors", "Sum", 0)
        assert simple[f"{function}Throttles"] == ("AWS/Lambda", "Throttles", "Sum", 0)
        assert alarms[f"{function}Errors"]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
        log_group = resources[f"{function}LogGroup"]["Properties"]
        assert log_group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
        assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert resources[function]["Properties"]["Tracing"] == "Active"
    assert simple["Api5xx"] == ("AWS/ApiGateway", "5XXError", "Sum", 5)
    assert simple["ApiLatencyP95"] == ("AWS/ApiGateway", "Latency", "p95", 3000)
    assert simple["TableReadThrottles"][:2] == ("AWS/DynamoDB", "ReadThrottleEvents")
    assert simple["TableWriteThrottles"][:2] == ("AWS/DynamoDB", "WriteThrottleEvents")
    assert simple["TableSystemErrorsTransactWriteItems"] == ("AWS/DynamoDB", "SystemErrors", "Sum", 0)
    # AWS reviews an SES account at 5% bounces and 0.1% complaints: the alarms go off before
    assert simple["SesBounceRate"] == ("AWS/SES", "Reputation.BounceRate", "Maximum", 0.04)
    assert simple["SesComplaintRate"] == ("AWS/SES", "Reputation.ComplaintRate", "Maximum", 0.0008)
    for dead in (
        "MailDeadLetterQueue",
        "ExportDeadLetterQueue",
        "SignInDeadLetterQueue",
        "IndexDeadLetterQueue",
        "ExtractDeadLetterQueue",
        "UploadDeadLetterQueue",
    ):
        assert simple[f"{dead}NotEmpty"] == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 0)
    for job in SCHEDULED:
        missed = alarms[f"{job}DidNotSucceed"]
        assert (missed["Threshold"], missed["ComparisonOperator"], missed["TreatMissingData"]) == (
            1,
            "LessThanThreshold",
            "breaching",
        )
        assert {m["MetricStat"]["Period"] for m in missed["Metrics"] if "MetricStat" in m} == {86400}
        on_failure = resources[f"{job}OnFailure"]["Properties"]
        assert on_failure["DestinationConfig"]["OnFailure"]["Destination"] == {"Ref": "AlarmTopic"}
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    topic = resources["AlarmTopic"]["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]
    assert resources["RestAPI"]["Properties"]["TracingEnabled"] is True


def test_cfn_lint_passes(package: Path):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(package / "sam.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_policies_grant_only_what_the_code_calls():
    """Least privilege: the IAM actions match the AWS operations the package's code makes, on its own resources."""
    for stage in ("dev", "prod"):
        policy = json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())
        actions = {a for s in policy["Statement"] for a in s["Action"]}
        assert actions == {
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:BatchGetItem",  # the mail worker reads a batch's marks
            "ses:SendRawEmail",  # every mail is MIME: some carry a QR code
            "ssm:GetParameter",
            # presigned uploads and downloads are signed with these; checks read, copy what passed and delete
            "s3:PutObject",
            "s3:GetObject",
            "s3:GetObjectVersion",  # a given version: downloads, the index, and the copy of the checked one
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:ListBucketVersions",
            # lets S3 answer 404, not 403, for an index or text that does not exist yet
            "s3:ListBucket",
            # requests queue mail jobs and exports; the workers' event sources receive, delete and hide them
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ChangeMessageVisibility",
            # X-Ray traces (its API takes no resource), and a failed scheduled job's report to the alarm topic
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "sns:Publish",
        }
        anywhere = {"SendMailAsPortal", "Tracing"}
        assert not any(s["Resource"] == "*" and s["Sid"] not in anywhere for s in policy["Statement"])
        job_failures = next(s["Resource"] for s in policy["Statement"] if s["Sid"] == "JobFailures")
        assert job_failures == f"arn:aws:sns:*:*:network-portal-alarms-{stage}"
        table_arns = next(s["Resource"] for s in policy["Statement"] if s["Sid"] == "PortalTable")
        assert all(f"table/network-portal-{stage}" in arn for arn in table_arns)
        files = next(s["Resource"] for s in policy["Statement"] if s["Sid"] == "PortalFiles")
        assert files == f"arn:aws:s3:::network-portal-{stage}-files-*/*"
        queues = next(s["Resource"] for s in policy["Statement"] if s["Sid"] == "Queues")
        assert queues == [
            f"arn:aws:sqs:*:*:network-portal-mail-{stage}",
            f"arn:aws:sqs:*:*:network-portal-exports-{stage}",
            f"arn:aws:sqs:*:*:network-portal-signin-{stage}",
            f"arn:aws:sqs:*:*:network-portal-index-{stage}.fifo",
            f"arn:aws:sqs:*:*:network-portal-extract-{stage}",
            f"arn:aws:sqs:*:*:network-portal-uploads-{stage}",
        ]
