"""Writes a HubSpot-style contacts export of N rows (deterministic): the import benchmark's input.
Usage: make_contacts.py N PATH"""
import csv, random, sys

n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
first = ["Ann", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lea", "Max", "Noa", "Oli", "Pia"]
last = ["Lee", "Park", "Diaz", "Smith", "Kim", "Ng", "Brown", "Müller", "Rossi", "Silva", "Khan", "Novak"]
countries = ["United States", "US", "Germany", "DE", "United Kingdom", "France", "Canada", "Brazil", "India", "Japan"]
stages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
titles = ["VP Marketing", "Marketing Ops Manager", "CMO", "Demand Gen Lead", "Analyst", "Director, Growth"]
with open(path, "w", newline="", encoding="utf-8") as handle:
    out = csv.writer(handle)
    out.writerow(["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Country/Region", "Job Title",
                  "Lifecycle Stage", "Create Date", "Lead Source"])
    for i in range(n):
        company = f"company{rng.randrange(50_000)}"
        out.writerow([100000 + i, rng.choice(first), rng.choice(last), f"person{i}@{company}.example",
                      f"+1 415 {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}", company.title(), rng.choice(countries),
                      rng.choice(titles), rng.choice(stages), f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} 10:{rng.randrange(60):02d}",
                      rng.choice(["Webinar", "Paid Search", "Organic", "Event", "Referral"])])
