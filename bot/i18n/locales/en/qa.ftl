qa-source = Source: { $links }
qa-leadership = The alliance is led by its chair units { $chairs } and its co-chairs { $cochairs }.
qa-chair-units = The alliance's chair units: { $list }.
qa-co-chairs = The alliance's co-chairs: { $list }.
qa-org-role = { $org } is a { $role } of the alliance; country: { $country }.
qa-org-role-nocountry = { $org } is a { $role } of the alliance.
qa-org-not-member = { $org } is in the knowledge base but is not listed among the alliance's members.
qa-org-people = { $org }: { $people }.
qa-country-member = Yes, { $country } is among the alliance's countries.
qa-country-orgs = Organizations from there: { $list }.
qa-country-council = Some of the alliance's Council members come from this country; their names are not known.
qa-country-not-member = { $country } is not listed among the alliance's countries.
qa-unknown-name = The alliance's knowledge base has nothing on “{ $name }”, so I cannot say yes.
qa-unknown-thing = The alliance's knowledge base has nothing on this, so I cannot say yes.
qa-known-countries = Known participating countries: { $list } and others; the full list ({ $count ->
    [one] { $count } country
   *[other] { $count } countries
}) has not been published.
qa-counts = The alliance has { $orgs ->
    [one] { $orgs } organization
   *[other] { $orgs } organizations
} from { $countries ->
    [one] { $countries } country
   *[other] { $countries } countries
}: { $chairs ->
    [one] { $chairs } chair unit
   *[other] { $chairs } chair units
}, { $cochairs ->
    [one] { $cochairs } co-chair
   *[other] { $cochairs } co-chairs
} and { $council ->
    [one] { $council } Council member
   *[other] { $council } Council members
}.
qa-countries-count = The alliance has { $count ->
    [one] { $count } country
   *[other] { $count } countries
}.
qa-council = The alliance's Council has { $count ->
    [one] { $count } member
   *[other] { $count } members
}: { $what }.
qa-members = Members of the alliance: { $list }.
qa-person = { $name } — { $position }, { $org }.
qa-person-noorg = { $name } — { $position }.
qa-about = The { $name } was founded under the { $initiative }. It brings together { $orgs ->
    [one] { $orgs } organization
   *[other] { $orgs } organizations
} from { $countries ->
    [one] { $countries } country
   *[other] { $countries } countries
}: { $what }.
qa-name = Name: { $name }.
qa-initiative = The alliance was founded under the { $initiative }.
qa-aims = The alliance's aims: { $aims }.
qa-secretariat = The knowledge base has nothing on the alliance's secretariat.
qa-latest-header = <b>Latest alliance news</b>
qa-latest-empty = No alliance news has been stored yet.
qa-search-header = This is what I found in the news:
qa-dont-know =
    I don't know the answer: the alliance's knowledge base has nothing on this.
    You can ask, for example: <i>Who leads the alliance?</i>, <i>Is Germany a member?</i>, <i>How many countries are in the alliance?</i>, <i>Who is Saken Kalkamanov?</i>, <i>Latest news</i>.
qa-throttled = Too many questions at once — please wait a second and ask again.
qa-members-title = <b>Members of the alliance</b> (page { $page } of { $pages })
qa-members-unnamed = …and { $count ->
    [one] { $count } Council member
   *[other] { $count } Council members
} whose names are not known.
qa-roles-title = <b>Roles in the alliance</b>
qa-role-line = { $role }: { $list }
qa-role-nobody = not known
qa-button-prev = ◀️ Back
qa-button-next = Next ▶️
qa-inline-nothing = Nothing found
qa-inline-nothing-text = The alliance's knowledge base has nothing for “{ $query }”.
cmd-members = Members of the alliance
cmd-roles = Roles in the alliance
cmd-about = About the alliance
cmd-latest = Latest alliance news
qa-role-council = { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
}; their names are not known
qa-role-all = all the alliance's organizations ({ $count })
qa-more = and { $count } more
qa-holders = { $country }: { $list }.
qa-not-stated = The alliance's knowledge base does not say { $what }.
qa-not-stated-where = An official answer may come from { $sites }.
qa-attr-budget = what the alliance's budget is
qa-attr-headquarters = where the alliance's headquarters are
qa-attr-fees = whether there are membership fees or what taking part costs
qa-attr-joining = how to join the alliance
qa-attr-next-meeting = when the next meeting or session is
qa-attr-contacts = how to contact the alliance
qa-attr-website = whether the alliance has a website of its own
qa-attr-fund-amount = how large the fund is
qa-retrieved = This is what the knowledge base says about it: { $passage }
qa-ask-back = Could you say which you mean? Did you mean:
qa-choice-about = About the alliance
qa-choice-who = Who this is
qa-choice-leadership = Who leads it
qa-choice-co-chairs = The co-chairs
qa-choice-chair-units = The chair units
qa-choice-membership = Membership
qa-choice-countries = The alliance's countries
qa-choice-count = How many members
qa-choice-council = The Council
qa-choice-role = The role
qa-choice-founded = When it was founded
qa-choice-initiative = The initiative
qa-choice-aims = The alliance's aims
qa-choice-fund = The fund
qa-choice-meeting = The meeting at the forum
qa-choice-speech = The speech
qa-choice-name = The name
qa-choice-news = News
qa-choice-secretariat = The secretariat
qa-choice-budget = The budget
qa-choice-headquarters = The headquarters
qa-choice-fees = Fees
qa-choice-joining = How to join
qa-choice-next-meeting = The next meeting
qa-choice-contacts = Contacts
qa-choice-website = The website
qa-choice-fund-amount = The fund's size
qa-feedback-thanks = Thank you for the rating!
admin-stats-qa = <b>Questions</b>, 30 days: 👍 { $up }, 👎 { $down }, unanswered or unsure { $missed } (details: /kb misses)
admin-qa-misses-title = <b>Frequent questions without a sure answer</b> (30 days; 👍 { $up }, 👎 { $down }, { $missed } in all)
admin-qa-miss = { $number }. ×{ $count } [{ $language }] { $question }
admin-qa-no-misses = There are none.
admin-qa-how-to-fix =
    Add a way of writing a name: <code>/kb alias country:CODE|org:key|person:key language form</code>, e.g. <code>/kb alias country:DE en Deutschland</code>.
    Add a fact: export the knowledge base with /kb, add the fact with its source and load it with /kb import.
admin-qa-alias-usage = Format: <code>/kb alias country:DE en Deutschland</code> (country, org or person; language ru, kk, en or zh).
admin-qa-alias-kind = “{ $target }”: give country:CODE, org:key or person:key.
admin-qa-alias-language = The language “{ $language }” is not supported: ru, kk, en or zh.
admin-qa-alias-unknown = The knowledge base has no “{ $target }”.
admin-qa-alias-added = Done: “{ $alias }” now means { $target }. The bot takes it up within a minute.
qa-choice-activity = What it does
qa-org-website = Website: { $site }
qa-attr-staff = how many people work for the alliance
qa-choice-staff = Staff
qa-attr-venue = where the alliance's forums and meetings take place
qa-choice-venue = The venue
qa-country-member-plain = { $country } is among the alliance's countries.
qa-claim-yes = Yes, that's right: { $actual }.
qa-claim-no = No: { $actual }, not { $claimed }.
qa-claim-role-yes = Yes, that's right.
qa-claim-role-no = No.
qa-except = Not counting { $excluded }: { $rest }.
qa-except-unknown = The knowledge base does not say how many there are not counting { $excluded }: the names and countries of the Council members are not known.
qa-count-of = { $count } of { $total }: { $list }.
qa-entity-not-stated = { $name }: the knowledge base does not say { $what }.
qa-entity-known = What is known:
qa-ent-age = how old they are
qa-ent-birth = where they were born
qa-ent-family = anything about their family
qa-ent-salary = what they earn
qa-ent-education = where they studied
qa-ent-head = who heads it
qa-ent-founded = when it was founded
qa-ent-count-from = how many of the alliance's organizations come from there
qa-ent-headquarters = where it is based
qa-ent-contacts = how to contact it
qa-ent-website = what its website is
qa-refusal-opinion = I don't give opinions or assessments.
qa-refusal-politics = I don't discuss politics.
qa-refusal-insult = Sorry to hear that; I'll do my best to help.
qa-refusal-injection = I keep to my own rules and answer only questions about the alliance.
qa-refusal-can = I can answer questions about the alliance from its knowledge base: who leads it, who its members are and from which countries, how many there are, its aims, its fund, its founding and its news.
qa-latest-channel = 📣 In the official channel: <a href="{ $url }">the latest post</a>
qa-channel-post = 📣 in the official channel
