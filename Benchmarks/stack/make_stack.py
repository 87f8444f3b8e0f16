#!/usr/bin/env python3
"""Writes a large stack for the stack benchmark: TOOLS tools (with a contract each), INTEGRATIONS integrations
between them (random, so with cycles) as a `pitcrew stack apply` YAML file, and ROWS per-user activity rows as CSV.
Usage: make_stack.py TOOLS INTEGRATIONS ROWS OUT_YAML OUT_CSV (deterministic: seed 5)."""
import random
import sys

tools_n, integrations_n, rows_n, out_yaml, out_csv = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rng = random.Random(5)
categories = {
    "advertising_promotion": ["search_advertising", "social_advertising", "display_programmatic", "abm"],
    "content_experience": ["cms_web", "email_tools", "landing_pages", "optimization_testing", "seo", "video", "creative_design"],
    "social_relationships": ["social_media_management", "events_webinars", "conversational", "feedback_surveys", "customer_success"],
    "commerce_sales": ["crm", "marketing_automation", "sales_engagement", "sales_intelligence"],
    "data": ["cdp", "data_enrichment", "data_integration", "ipaas", "reverse_etl", "data_warehouse", "web_analytics", "bi_dashboards"],
    "management": ["project_management", "collaboration", "budgeting_finance"],
}
caps = ["email", "forms", "landing_pages", "intent", "enrichment", "dashboards", "sequences", "chat", "ab_testing", "audience_sync"]
objects = ["contacts", "leads", "accounts", "opportunities", "events", "spend", "audiences"]
names = [f"Tool {i:04d}" for i in range(tools_n)]
with open(out_yaml, "w") as f:
    f.write("tools:\n")
    for i, name in enumerate(names):
        cat = rng.choice(list(categories))
        f.write(f'  - name: "{name}"\n    category: {cat}\n    subcategory: {rng.choice(categories[cat])}\n')
        f.write(f"    status: {rng.choice(['active'] * 8 + ['evaluating', 'retiring'])}\n")
        f.write(f"    capabilities: [{', '.join(rng.sample(caps, 3))}]\n")
        f.write(f"    teams: [\"Team {i % 12}\"]\n")
        start_month = rng.randint(1, 12)
        f.write("    contracts:\n")
        f.write(f'      - start_date: "2026-{start_month:02d}-01"\n        end_date: "2027-{start_month:02d}-01"\n')
        f.write(f"        amount_minor: {rng.randint(1, 200) * 100000}\n        currency: USD\n        billing_period: annual\n")
        f.write(f"        seats: {rng.randint(1, 200)}\n        auto_renew: {str(rng.random() < 0.6).lower()}\n        notice_days: {rng.choice([30, 60, 90])}\n")
    f.write("integrations:\n")
    pairs = set()
    while len(pairs) < integrations_n:
        a, b = rng.randrange(tools_n), rng.randrange(tools_n)
        if a != b:
            pairs.add((a, b))
    for a, b in sorted(pairs):
        f.write(f'  - source: "{names[a]}"\n    target: "{names[b]}"\n    direction: {rng.choice(["one_way"] * 4 + ["two_way"])}\n')
        f.write(f"    objects: [{', '.join(rng.sample(objects, rng.randint(1, 3)))}]\n    cadence: daily\n")
        f.write(f"    status: {rng.choice(['active'] * 8 + ['planned', 'broken'])}\n")
with open(out_csv, "w") as f:
    f.write("tool,user,last_active,feature\n")
    seen = set()
    while len(seen) < rows_n:
        tool, user = rng.randrange(tools_n), rng.randrange(4000)
        if (tool, user) in seen:
            continue
        seen.add((tool, user))
        f.write(f"{names[tool]},user{user}@bench.example,2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d},{rng.choice(caps)}\n")
