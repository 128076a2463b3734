"""The review sections: targets, recovery, delivery, security, data ownership and roadmap follow
the workload and the recommended design."""

from __future__ import annotations

import pytest

from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.summary import generate_summary


def _summary(text: str) -> str:
    analysis = analyze_requirements(text)
    designs = {s: design_architecture(analysis, s, "aws") for s in ("serverless", "microservices", "monolith")}
    return generate_summary(analysis, compare_architectures(analysis, designs, "aws"), designs).markdown


def test_stated_targets_drive_recovery_and_the_review_names_them() -> None:
    markdown = _summary("Card issuing platform, PCI DSS level 1, 180k cardholders, 400 authorizations/s at peak, "
                        "p99 < 100 ms, 99.99% availability, ledger, KYC via Onfido.")
    assert "| Availability | 99.99% (about 4 minutes of downtime a month) | stated |" in markdown
    assert "| Latency | 100 ms p99 | stated |" in markdown
    assert "RPO 0 for the ledger" in markdown and "RTO 15 minutes" in markdown and "second region" in markdown
    assert "only the isolated card-vault zone sees card numbers" in markdown
    assert "Change management evidence for the auditors" in markdown
    for heading in ("## Data ownership", "## Roadmap", "## Environments and delivery", "## Security architecture"):
        assert heading in markdown


def test_an_unstated_target_is_assumed_by_tier_and_an_existing_idp_is_federated() -> None:
    markdown = _summary("Leave requests and approvals for our 300 employees; sign-in with Okta.")
    assert "| Availability | 99.5% " in markdown and "assumed for the starter tier" in markdown
    assert "RPO 24 hours, RTO 1 day" in markdown and "one test restore" in markdown  # no drills for a starter app
    assert "federate sign-in with the organisation's okta" in markdown
    assert "Job scheduler |" not in markdown  # infrastructure is not a module that owns data


def test_build_or_buy_names_products_at_the_size_where_buying_wins() -> None:
    studio = _summary("Booking app for one yoga studio with 300 members: class booking and reminders.")
    buy = studio[studio.index("## Build or buy"):studio.index("## Roadmap")]
    assert "Calendly" in buy and "list prices to confirm" in buy
    national = _summary("National ride-hailing platform for 5 million daily riders with live tracking and payments.")
    buy = national[national.index("## Build or buy"):national.index("## Roadmap")]
    assert "Calendly" not in buy and "Shopify" not in buy


def test_reviewer_findings_person_is_not_kyc_and_a_saas_federates_its_customers_idps() -> None:
    from archwright.tools.analyze import analyze_requirements

    firm = analyze_requirements("An AI assistant for our 2,000-person law firm that answers questions over our contracts.")
    assert "kyc_verification" not in {f.id for f in firm.features}
    assert analyze_requirements("A tool-lending app for neighbours.").primary_domain == "general"
    markdown = _summary("Project-management SaaS sold per seat: workspaces, SAML SSO with Okta and Entra ID for "
                        "enterprise customers, 2,400 workspaces averaging 18 seats.")
    assert "each customer signs in through its own identity provider" in markdown
    assistant = _summary("An AI assistant for our 2,000-person law firm that answers questions over our contracts.")
    assert "first words within 1.5 s" in assistant


def test_device_messages_are_not_also_billed_as_api_requests() -> None:
    from archwright.tools.analyze import analyze_requirements
    from archwright.tools.compare import compare_architectures

    fleet = analyze_requirements("Fleet telematics: 50,000 trackers report every 10 seconds; a dashboard for 200 dispatchers.")
    serverless = compare_architectures(fleet, cloud="aws").options[0].monthly_cost
    api = next(i for i in serverless.line_items if i.name == "API requests")
    devices = next(i for i in serverless.line_items if i.name == "Device messages")
    assert api.inputs["requests"] < devices.inputs["device_messages"] / 10


def test_stated_constraints_carry_through_the_review() -> None:
    hobby = _summary("I'm a solo developer building a recipe box web app for me and maybe 50 friends; "
                     "I want it to cost under $10 a month.")
    assert "Over budget" not in hobby  # fifty friends fit in the free tiers: a few dollars of secrets and storage
    assert "Two environments" in hobby
    club = _summary("A solo developer's recipe site for 40,000 daily visitors with uploads and search; "
                    "it must cost under $10 a month.")
    assert "Over budget: the recommended option is about $" in club and "against the stated $10" in club
    clinic = _summary("Telehealth for US clinics with HIPAA and 7-year record retention; 30k visits per month.")
    assert "Keep backups and archives for the stated 2555 days" in clinic


def test_a_whole_product_people_buy_is_the_first_answer() -> None:
    payroll = _summary("Our 25-person agency needs to run monthly salaries, tax withholding and payslips for staff "
                       "in three US states.")
    buy = payroll[payroll.index("## Build or buy"):payroll.index("## Roadmap")]
    assert buy.splitlines()[2].startswith("- **Buy Gusto, ADP, Rippling")
    assert "for the whole payroll product" in buy


def test_four_nines_pays_for_a_standby_region_inside_the_residency() -> None:
    from archwright.tools.analyze import analyze_requirements
    from archwright.tools.compare import compare_architectures

    text = "Payments API for 200k daily users in the EU, data must stay in the EU, 99.99% availability."
    cost = compare_architectures(analyze_requirements(text)).options[2].monthly_cost
    standby = next(i for i in cost.line_items if i.component == "standby")
    production = sum(i.expected for i in cost.line_items if i.component in ("application", "primary_db", "api_entry",
                                                                           "cache", "platform"))
    assert standby.expected == pytest.approx(production * 0.5, rel=0.01)
    assert "Every copy (replicas, snapshots, the standby) stays inside EU" in _summary(text)
    plain = compare_architectures(analyze_requirements("Payments API for 200k daily users, 99.9% availability."))
    assert not any(i.component == "standby" for i in plain.options[2].monthly_cost.line_items)


def test_threats_follow_what_the_system_is() -> None:
    drop = _summary("Stadium ticket drop: 1.5M fans try to buy 60,000 seats in the first 10 minutes.")
    assistant = _summary("An internal assistant that answers employee questions over our Confluence pages, "
                         "respecting document permissions.")
    assert "Scalper bots" in drop and "Prompt injection" not in drop
    assert "Prompt injection" in assistant and "Scalper bots" not in assistant
    assert "One tenant reading another's data" not in drop  # a venue's seats are not SaaS tenants
    journal = _summary("A mental-health journaling app for consumers in Germany; GDPR, data stays in the EU.")
    assert "BAA" not in journal


def test_minimal_card_scope_uses_the_processors_fields_and_health_buys_need_a_baa() -> None:
    from archwright.tools.analyze import analyze_requirements
    from archwright.tools.design import design_architecture

    retailer = analyze_requirements("Online retailer with our own checkout; PCI DSS, and we want to minimize PCI scope.")
    names = {c.name for c in design_architecture(retailer, "monolith", "aws").components}
    assert "Card tokens (hosted fields) module" in names and "Card vault (isolated zone)" not in names
    assert "SAQ A" in _summary("Online retailer with our own checkout; PCI DSS, and we want to minimize PCI scope.")
    issuer = analyze_requirements("Card issuer storing card numbers in our own vault; PCI DSS level 1.")
    assert "Card vault (isolated zone)" in {c.name for c in design_architecture(issuer, "monolith", "aws").components}
    clinic = _summary("HIPAA clinic app for one US practice: appointment booking and reminders for 300 patients.")
    buy = clinic[clinic.index("## Build or buy"):clinic.index("## Roadmap")]
    assert "Only with a signed BAA" in buy


def test_a_card_programme_on_an_issuer_processor_keeps_card_numbers_there() -> None:
    from archwright.tools.analyze import analyze_requirements
    from archwright.tools.design import design_architecture

    programme = analyze_requirements("Business banking app: current accounts via a BaaS partner, debit card issuing.")
    assert "pci_dss" in {c.id for c in programme.compliance}
    names = {c.name for c in design_architecture(programme, "monolith", "aws").components}
    assert "Card tokens (hosted fields) module" in names and "Card vault (isolated zone)" not in names


def test_staff_sign_in_with_their_directory_and_a_ledger_loses_nothing() -> None:
    desks = _summary("An internal tool for our 8,000 employees to book desks and meeting rooms.")
    assert "staff sign in with" in desks and "Cognito" not in desks
    bank = _summary("Consumer bank: current accounts, transfers and a ledger for 50,000 customers.")
    assert "RPO 0 for the ledger" in bank
    news = _summary("News site with breaking-news spikes: 2 million readers arrive within 10 minutes.")
    assert "Scalper bots" not in news and "Floods of requests" in news
