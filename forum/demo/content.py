"""Demo community: realistic people, boards and conversations (fictional)."""

from __future__ import annotations

# Every demo account uses this password; `make run` prints it.
DEMO_PASSWORD = "kindred-demo-2026"  # noqa: S105

USERS: list[dict] = [
    {"username": "admin", "display_name": "Site admin", "role": "admin"},
    {
        "username": "maria_facilitator",
        "display_name": "Maria (peer facilitator)",
        "role": "facilitator",
    },
    {
        "username": "kwame_facilitator",
        "display_name": "Kwame (peer facilitator)",
        "role": "facilitator",
    },
    # An oncology nurse who facilitates with a professional verification instead of training.
    {
        "username": "ana_nurse",
        "display_name": "Ana (oncology nurse)",
        "role": "facilitator",
    },
    # Breast cancer survivor, diagnosed at 35, four years out, back at work.
    {
        "username": "jen_survivor",
        "display_name": "Jen",
        "role": "member",
        # Shown on her profile and on "Find peers" (the country stays hidden).
        "profile": {
            "about": "Diagnosed at 35, four years out now and back at work.\nHappy to talk about going back to work, scanxiety, or just how the week is going.",
            "journey_role": "survivor",
            "cancer_types": ["breast"],
            "treatment_stage": "remission",
            "languages": ["en", "es"],
            "country": "GB",
            "shown": ["journey_role", "cancer_types", "treatment_stage", "languages"],
        },
    },
    # 32, recently diagnosed with breast cancer, now in chemo.
    {"username": "priya_k", "display_name": "Priya", "role": "member"},
    # 30, finished breast cancer treatment last year, returning to work.
    {"username": "noor_h", "display_name": "Noor", "role": "member"},
    # 58, bowel cancer, in chemo, dealing with neuropathy and fatigue.
    {"username": "dave_r", "display_name": "Dave", "role": "member"},
    # Dave's wife and main caregiver.
    {
        "username": "linda_caregiver",
        "display_name": "Linda",
        "role": "member",
        "profile": {
            "about": "Looking after my husband Dave through chemo for bowel cancer. Always glad to hear from other carers.",
            "journey_role": "caregiver",
            "cancer_types": ["colorectal"],
            "treatment_stage": "treatment",
            "languages": ["en"],
            "country": "IE",
            "shown": ["journey_role", "cancer_types", "treatment_stage", "languages", "country"],
        },
    },
    # Daughter supporting her mum (ovarian cancer) from two hours away.
    {"username": "sam_daughter", "display_name": "Sam", "role": "member"},
    # Bereaved parent: her son Leo died of sarcoma at 19, three years ago.
    {"username": "grace_m", "display_name": "Grace", "role": "member"},
    # Widower: his wife Ruth died of pancreatic cancer fourteen months ago.
    {"username": "tom_b", "display_name": "Tom", "role": "member"},
]


# --------------------------------------------------------------------------------------------
# Welcome & getting started
# --------------------------------------------------------------------------------------------

_INTRODUCTIONS_THREADS: list[dict] = [
    {
        "author": "maria_facilitator",
        "title": "Welcome to Kindred \u2014 please read this first",
        "body": (
            "Hi everyone, and welcome. I'm Maria, one of the peer facilitators here. I finished "
            "treatment for bowel cancer six years ago, and I still remember how lonely those "
            "first weeks felt.\n\n"
            "Kindred is a place for people living with and beyond cancer, and for the people "
            "who love them. A few things keep it feeling safe:\n\n"
            "- **Be kind.** Everyone is at a different point, and every feeling is allowed here.\n"
            "- **Share experience, not prescriptions.** What helped you is valuable; what to "
            "take or stop is a conversation for your own care team.\n"
            "- **Protect privacy.** Don't repeat anyone's story outside Kindred, and think twice "
            "before posting your full name or your hospital.\n"
            "- **Reach out.** If a post worries you, use the report link or message a "
            "facilitator. That's what we're here for.\n\n"
            "Kindred isn't an emergency service. If you're in crisis, please contact your care "
            "team, your local emergency number or a helpline.\n\n"
            "Say hello below whenever you're ready \u2014 even one line is plenty."
        ),
        "pinned": True,
        "locked": False,
        "replies": [
            {
                "author": "jen_survivor",
                "body": (
                    "Thank you for setting this up, Maria. I'm Jen \u2014 diagnosed with breast "
                    "cancer at 35, finished active treatment four years ago, and back at work "
                    "full time (most days happily).\n\n"
                    "When I was first diagnosed, a forum like this was where I found out that "
                    "the exhaustion, the weird taste in my mouth and the 3am panic were all "
                    "normal. I'm here partly to pass that on. Say hi if you're new and scared. "
                    "I remember."
                ),
                "replies": [
                    {
                        "author": "maria_facilitator",
                        "body": (
                            "So glad you're here, Jen. Members who are a few years further "
                            "down the road make such a difference to people who've just had "
                            "the news \u2014 seeing someone who's working, laughing and "
                            "complaining about their commute is a kind of hope that no leaflet "
                            "can give.\n\n"
                            "Please do look after yourself too. Reading other people's stories "
                            "can stir things up, and it's fine to step away for a while."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "tom_b",
                "body": (
                    "I wasn't sure whether I belonged here. My wife Ruth died of pancreatic "
                    "cancer fourteen months ago. I was her carer for the last year of her life "
                    "and since then the house has been very quiet.\n\n"
                    "My daughter found Kindred and suggested I try it. I'm not much of a writer, "
                    "but I read the welcome post twice and thought I'd at least say hello. "
                    "Hello."
                ),
                "replies": [
                    {
                        "author": "maria_facilitator",
                        "body": (
                            "Hello Tom, and I'm so sorry about Ruth. You absolutely belong "
                            "here. Caring for someone through the end of their life is part of "
                            "the cancer story, and so is everything that comes after.\n\n"
                            "We have a small, private **Bereavement circle** run by Kwame, "
                            "another of our facilitators. It's a quieter space with a "
                            "confidentiality agreement. If you'd like to join, open the circle and "
                            "ask to join there; Kwame will welcome you. No pressure at all."
                        ),
                        "replies": [
                            {
                                "author": "tom_b",
                                "body": (
                                    "Thank you, Maria. I've asked to join the circle. I'll admit "
                                    "I typed it three times before pressing send. It helps "
                                    "to know it's a smaller group and that people there "
                                    "have been through something like it. I'm not sure what "
                                    "I'll say yet, but I'll read along for a bit and see."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
    },
    {
        "author": "priya_k",
        "title": "Hello from a newly diagnosed 32-year-old",
        "body": (
            "Hi all. I'm Priya, I'm 32, and three weeks ago I was told I have breast cancer. "
            "I start chemo next month, then surgery, then probably radiotherapy.\n\n"
            "I honestly don't know what I'm looking for yet. Mostly I think I want to talk to "
            "people who won't immediately tell me about their aunt. My friends are lovely but "
            "they either cry or go very, very positive, and both make me feel like I have to "
            "look after *them*.\n\n"
            "So: hello. I'm scared, I'm organised (spreadsheets for everything), and I'm "
            "trying to take it one appointment at a time."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "noor_h",
                "body": (
                    "Priya, hi. I was 29 when I was diagnosed, so I really get the age thing "
                    "\u2014 everyone in the waiting room looked like my mum. I finished treatment "
                    "last year.\n\n"
                    "There's a private group here for young adults with breast cancer that "
                    "Maria runs. It's been one of the best parts of this for me: people who "
                    "understand fertility worries, dating, and colleagues who think you're "
                    '"so brave". You can ask to join on the group\'s page.'
                ),
                "replies": [
                    {
                        "author": "priya_k",
                        "body": (
                            "Thank you Noor, that genuinely made me tear up a bit (the good "
                            'kind). "Everyone looked like my mum" is exactly it \u2014 a nurse '
                            "asked if I was there to support someone. I've asked to join. "
                            'Also very relieved to hear that "so brave" is a universal '
                            "experience and not just my office."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "linda_caregiver",
                "body": (
                    "Welcome, Priya. I'm Linda \u2014 my husband Dave is in chemo for bowel "
                    "cancer, so I'm on the supporting side rather than the patient side.\n\n"
                    "For what it's worth, your spreadsheets will be your friend. We keep a "
                    "shared notes file with appointment dates, questions for the team and how "
                    "Dave felt each day after treatment. It's been so useful when the nurses "
                    'ask "when did this start?" and neither of us can remember.'
                ),
                "replies": [],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "Welcome Priya, and thank you for such an honest first post. The feeling "
                    "of having to manage everyone else's reactions comes up a lot here, so "
                    "you're in good company.\n\n"
                    "I've added you to the young adults group. You might also find the "
                    "**Newly diagnosed** board useful \u2014 Jen started a thread there with "
                    "questions to take to your first oncology appointments, and people have "
                    "kept adding to it."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "admin",
        "title": "Site update: email digests and quieter notifications",
        "body": (
            "Hello everyone \u2014 a quick note about a change several of you asked for.\n\n"
            "You can now choose how Kindred contacts you:\n\n"
            "1. **Instant** \u2014 an email whenever someone replies to you.\n"
            "2. **Daily digest** \u2014 one email each evening with everything new.\n"
            "3. **Off** \u2014 nothing by email; check in when it suits you.\n\n"
            "You'll find this under your profile settings. Email subject lines never include "
            "the name of a private group or any post text, so nothing sensitive shows up on "
            "a shared screen or a lock screen.\n\n"
            "I've locked this thread to keep the board tidy, but please message me with any "
            "problems."
        ),
        "pinned": False,
        "locked": True,
        "replies": [
            {
                "author": "dave_r",
                "body": (
                    "The daily digest is brilliant, thank you. On treatment weeks my phone "
                    "buzzing at all hours was getting a bit much, but I didn't want to miss "
                    "anything either. One email at teatime is just right. Also appreciate "
                    "the bit about subject lines \u2014 my work laptop shows previews and I'd "
                    "rather not explain to my manager why I'm in a cancer forum."
                ),
                "replies": [],
            },
            {
                "author": "sam_daughter",
                "body": (
                    "Quick question before this gets locked: if I pick the digest, will I "
                    "still get an instant email when a facilitator messages me directly? I'd "
                    "quite like to know straight away if someone's replied to something "
                    "personal, but not every time there's a new post on the boards."
                ),
                "replies": [
                    {
                        "author": "admin",
                        "body": (
                            "Good question, Sam. Direct messages have their own setting, "
                            "separate from board replies. So you can have board activity in "
                            "the daily digest and direct messages sent straight away. Both are "
                            "on the same settings page, one under the other. If anything "
                            "doesn't behave the way you'd expect, let me know."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
]

_NEWLY_DIAGNOSED_THREADS: list[dict] = [
    {
        "author": "jen_survivor",
        "title": "Questions worth taking to your first oncology appointments",
        "body": (
            "When I was diagnosed I went into my first oncology appointment with nothing "
            "written down and came out remembering about a tenth of it. These are the "
            "questions I wish I'd taken, collected from me and a few friends:\n\n"
            "- What type and stage is it, and what does that mean for *my* plan?\n"
            "- What is the aim of this treatment?\n"
            "- What's the order of things, and roughly how long will each part take?\n"
            "- Which side effects should I call about straight away, and which can wait?\n"
            "- Who do I contact out of hours, and what's the number?\n"
            "- Can I work during treatment? What do other people in my situation do?\n"
            "- Is there a specialist nurse I can contact between appointments?\n\n"
            "None of this is medical advice \u2014 it's just a list so your brain doesn't have "
            "to hold everything. Please add your own."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "priya_k",
                "body": (
                    "Printed this and took it to my appointment on Monday, thank you Jen. The "
                    'oncologist actually said "good questions" and went through them in '
                    "order. I added two of my own:\n\n"
                    "- Does treatment affect fertility, and when do I need to decide about "
                    "that?\n"
                    "- Can I bring someone, and can I record the conversation?\n\n"
                    "The answer to the second was yes, and listening back at home helped a lot."
                ),
                "replies": [],
            },
            {
                "author": "linda_caregiver",
                "body": (
                    "One from the partner's side: **ask who to call at 2am.** Not in general "
                    "\u2014 the actual number, written on a card in your wallet and stuck to the "
                    "fridge.\n\n"
                    "Dave had a temperature in the middle of the night during his second "
                    "cycle and we wasted twenty minutes hunting for the leaflet. Now the "
                    "number is in both our phones, on the fridge and in the car."
                ),
                "replies": [
                    {
                        "author": "jen_survivor",
                        "body": (
                            "Yes, Linda, this one is so important and I can't believe I left "
                            "it off. Our team gave us a little card with the treatment line "
                            "number on it and I kept it in my phone case for a year. I'll add "
                            '"save it in every phone in the house" to my own list. Hope Dave\'s '
                            "doing okay now."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "This is such a useful thread. One more thing I'd suggest: take someone "
                    "with you if you can, and give them a job. Their job is to write things "
                    "down, not to ask questions or be brave for you.\n\n"
                    'And it\'s okay to say "can you say that again more slowly?" or "I need '
                    "a minute\". You're allowed to take up that time. It's your appointment."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "noor_h",
        "title": "The wait between diagnosis and a treatment plan is the hardest part",
        "body": (
            "Posting this for anyone who's in that limbo right now, because nobody warned me "
            "about it.\n\n"
            "After my biopsy results there were nearly three weeks of more scans, a "
            "multidisciplinary meeting I wasn't at, and waiting for a phone call. I knew I "
            "had cancer but nobody could tell me what was happening next. It felt worse "
            "than the treatment itself, honestly.\n\n"
            "What got me through: one small plan per day (a walk, a film, a call with my "
            "sister), a notebook for the 3am questions, and deciding I was allowed to not "
            "Google anything after 8pm. If you're in that wait right now, I'm sorry. It "
            "does end."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "dave_r",
                "body": (
                    "This is spot on, Noor. Mine was just over two weeks and I've never been "
                    "so grumpy in my life. Linda will confirm.\n\n"
                    "The thing that helped me was asking the specialist nurse for a rough "
                    'timeline, even if it was only "scan this week, meeting next Thursday, '
                    "we'll call you by Friday\". Having dates to hang things on made the "
                    "waiting feel less endless."
                ),
                "replies": [],
            },
            {
                "author": "priya_k",
                "body": (
                    "I'm in it right now, so thank you for writing this. The no-Googling "
                    "rule is a good one. Last night I read a forum post from 2009 and "
                    "frightened myself badly before remembering that things have changed a "
                    "lot since then, and that it wasn't about me anyway.\n\n"
                    "Going to try the one-small-plan idea. Today's plan is a walk and a "
                    "very large sandwich."
                ),
                "replies": [
                    {
                        "author": "noor_h",
                        "body": (
                            "A walk and a very large sandwich is an excellent plan, Priya. "
                            "And yes, old posts on the internet are the worst. They're "
                            "someone else's story from a different time, often a different "
                            "diagnosis. Come and talk to us instead when the 3am thoughts "
                            "hit \u2014 someone's usually awake here."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "Thank you for naming this, Noor. The waiting is something facilitators "
                    "hear about constantly, and people often feel silly for finding it so "
                    'hard when "nothing is happening yet". It\'s hard because everything is '
                    "uncertain.\n\n"
                    "If you're waiting right now, it's fine to call your specialist nurse "
                    "and ask where things are. You're not being a nuisance."
                ),
                "replies": [],
            },
        ],
    },
]

_FACILITATORS_LOUNGE_THREADS: list[dict] = [
    {
        "author": "kwame_facilitator",
        "title": "Debrief after Thursday's bereavement circle",
        "body": (
            "Not sharing any details, as per our agreement, but Thursday's circle was a "
            "heavy one. Two anniversaries in the same week, and a lot of raw feeling in the "
            "room. The group held each other beautifully and I think people left feeling "
            "less alone.\n\n"
            "I, on the other hand, went home and stared at the wall for an hour. Writing "
            "this partly as a reminder to myself that we're meant to debrief, not just "
            "carry it. How do you two wind down after a hard session?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "maria_facilitator",
                "body": (
                    "Thank you for posting this, Kwame \u2014 it's exactly what this space is "
                    "for. After hard sessions I do three things:\n\n"
                    "1. A short walk before I go inside, so the session stays outside the "
                    "front door.\n"
                    "2. Write down one thing that went well, however small.\n"
                    "3. Book a chat with our supervisor if it's still with me two days later.\n\n"
                    "Also, staring at the wall for an hour is sometimes the right response."
                ),
                "replies": [
                    {
                        "author": "kwame_facilitator",
                        "body": (
                            "The walk before going inside is a great idea, I'm stealing that. "
                            "I went for a run this morning and feel much more like myself. "
                            "I've also booked a supervision slot for next week, partly for "
                            "this and partly because I'd like to talk through how I handle "
                            "silences in the group. Thanks, Maria."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "admin",
                "body": (
                    "Just a reminder that the monthly facilitator support call is on the "
                    "first Tuesday, and that supervision is there whenever you need it, not "
                    "only when things go wrong. If the number of sessions is getting too "
                    "much for either of you, tell me and we'll look at recruiting another "
                    "facilitator rather than stretching you both thinner."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "maria_facilitator",
        "title": "Refresher: what we do when a post worries us",
        "body": (
            "We've had a couple of new members post late at night recently, so here's a "
            "quick refresher on our checklist when a post worries us:\n\n"
            "- **Reply warmly and quickly**, without promising anything we can't deliver.\n"
            "- **Signpost clearly**: their care team, out-of-hours line, emergency services "
            "or a helpline if there's any risk.\n"
            "- **Report it** so the other facilitators and the admin can see it.\n"
            "- **Follow up** the next day with a private message.\n"
            "- **Don't carry it alone.** Post here or call one of us.\n\n"
            "Anything you'd add or change?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "kwame_facilitator",
                "body": (
                    "Looks right to me. One addition: in the bereavement circle, people "
                    'sometimes say things like "I don\'t see the point any more" when they '
                    "mean grief has flattened everything. I don't assume either way \u2014 I ask "
                    "gently and directly what they mean, and then follow the checklist if "
                    "needed. Asking doesn't make things worse, and people usually seem "
                    "relieved that someone did."
                ),
                "replies": [],
            },
            {
                "author": "admin",
                "body": (
                    "Thanks both. From the site side: reports now show up for all "
                    "facilitators at once, and the report view includes the time the post "
                    "was made, so you can see if it came in overnight. If you ever think an "
                    "account needs pausing, you can do that yourselves now and I'll review "
                    "it in the morning."
                ),
                "replies": [
                    {
                        "author": "maria_facilitator",
                        "body": (
                            "That's really helpful, thank you. Seeing the post time will "
                            "make a difference \u2014 a worried message at 3am needs a different "
                            "follow-up from one posted over lunch. I'll add a line about "
                            "pausing accounts to the facilitator handbook so new "
                            "facilitators know that option exists."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
]


# --------------------------------------------------------------------------------------------
# Living with cancer
# --------------------------------------------------------------------------------------------

_TREATMENT_THREADS: list[dict] = [
    {
        "author": "dave_r",
        "title": "Neuropathy in my fingers and feet \u2014 what's helped you?",
        "body": (
            "Four cycles into chemo and the tingling in my fingers is getting worse. Cold "
            "things are the worst: getting milk out of the fridge feels like grabbing a "
            "handful of pins. My feet feel like I'm walking on a folded sock.\n\n"
            "I've been a bit stubborn about mentioning it to the team because I didn't want "
            "them to change anything and slow things down.\n\n"
            "Practical tips very welcome. What helped you day to day, and did telling your "
            "team make a difference?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "jen_survivor",
                "body": (
                    "Dave, please tell them, and tell them now. I kept quiet for a couple of "
                    "cycles for exactly the same reason, and my nurse gently pointed out "
                    "that they can only plan around what they know about. It's their call "
                    "what to do with it, not yours.\n\n"
                    "Day to day, what helped me:\n\n"
                    "- Thin gloves by the fridge and freezer.\n"
                    "- Checking my feet every evening, because I couldn't always feel blisters.\n"
                    "- Slip-on shoes and no more fiddly buttons for a while."
                ),
                "replies": [
                    {
                        "author": "dave_r",
                        "body": (
                            "Right, I've told them. Rang the nurse this morning and she was "
                            "completely matter-of-fact about it, asked lots of questions about "
                            "exactly where and when, and said they'd talk it through with me "
                            "before the next cycle. I felt a bit daft for worrying. Gloves "
                            "by the fridge are going on the shopping list."
                        ),
                        "replies": [
                            {
                                "author": "linda_caregiver",
                                "body": (
                                    "Just want to say I'm proud of him for ringing \u2014 "
                                    "he's been shaking his hands out under the table for "
                                    "weeks and pretending he wasn't.\n\n"
                                    "Thank you Jen. I've put a non-slip mat in the shower "
                                    "and moved the mugs to a lower shelf. If anyone has tips "
                                    "for helping without hovering, I'm all ears."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "Lots of good tips here already. A couple more that members have shared "
                    "over the years:\n\n"
                    "- Test bath and washing-up water with your elbow or a thermometer, since "
                    "numb fingers can't judge heat well.\n"
                    "- Keep a little diary of when it's worse. It makes the conversation with "
                    "your team much easier.\n\n"
                    'And Dave, there\'s no "being stubborn" in here. Most of us did exactly the '
                    "same at some point."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "priya_k",
        "title": "Hair loss: did you shave it before it fell out?",
        "body": (
            "My team have said my hair will very likely start falling out a couple of weeks "
            "after my first chemo. I have long, thick hair and I'm weirdly more upset about "
            "this than about a lot of the bigger stuff, which makes me feel shallow.\n\n"
            "For those who've been through it: did you cut it short first, shave it, or "
            "just let it happen? What made it easier? And what did you wear afterwards "
            "that didn't itch?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "noor_h",
                "body": (
                    "Not shallow at all, Priya. Your hair is part of how you recognise yourself "
                    "in the mirror, and losing it makes the illness visible.\n\n"
                    "I cut it into a bob first, then when it started coming out in the shower "
                    "my sister came round and we shaved it together with music on. I cried, "
                    "then we laughed, then we ordered pizza. Taking charge of the moment made "
                    "a huge difference for me.\n\n"
                    "Soft cotton scarves and a sleep cap were much comfier than anything "
                    "synthetic."
                ),
                "replies": [],
            },
            {
                "author": "jen_survivor",
                "body": (
                    "I did it differently from Noor and let it fall out, because I wanted to "
                    "hang on to it as long as possible. The in-between patchy stage was hard, "
                    "though, so I'd probably shave it if I did it again.\n\n"
                    "Some people ask their team whether scalp cooling is an option for them. "
                    "It wasn't for me, but it's worth asking about early since it has to be "
                    "set up before treatment starts.\n\n"
                    "My scalp was surprisingly tender, so a soft pillowcase helped too."
                ),
                "replies": [
                    {
                        "author": "priya_k",
                        "body": (
                            "Thank you both. I asked about scalp cooling at my pre-assessment "
                            "and it's not suitable for my regimen, so that's that. I've booked "
                            "my hairdresser for a short cut next week, and my best friend has "
                            "claimed the job of shaving it when the time comes. She's "
                            "already making a playlist. I feel much less wobbly about it now."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
    {
        "author": "jen_survivor",
        "title": "Chemo brain is real and I'm tired of pretending it isn't",
        "body": (
            "Four years on, I still lose words mid-sentence. Last week in a meeting I "
            'couldn\'t remember the word "spreadsheet" and called it "the grid thing". My '
            "colleagues were kind, but I went home and cried in the car.\n\n"
            "It was much worse during treatment, and it has improved, but nobody really "
            "warned me it might hang around. I'd love to hear what's helped other people:\n\n"
            "- workarounds at work\n"
            "- how you explain it to people\n"
            "- whether you told your team (I did, eventually)\n\n"
            "Mostly I want to hear that I'm not the only one."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "dave_r",
                "body": (
                    "You're definitely not the only one, Jen. I put the kettle on three times "
                    "yesterday and never made a cup of tea.\n\n"
                    "What's helping me: everything goes in the phone calendar with an alarm, "
                    "a notebook lives in my jacket pocket, and I've stopped trying to hold a "
                    'conversation while the telly is on. One thing at a time. Also "the grid '
                    'thing" is a perfectly good name for a spreadsheet.'
                ),
                "replies": [],
            },
            {
                "author": "sam_daughter",
                "body": (
                    "My mum says the same, and she finds it really frightening because her "
                    "own mother had dementia. Reading this thread has actually helped me "
                    "understand it better, so thank you for being so open.\n\n"
                    "We've started writing the week's plan on a whiteboard in her kitchen, "
                    "and I text her the day before each appointment. She says it takes the "
                    "pressure off trying to remember everything."
                ),
                "replies": [],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "Thank you for starting this, Jen. Changes in memory and concentration "
                    "after treatment are something our members talk about a lot, and the "
                    "embarrassment often hurts more than the forgetting itself.\n\n"
                    '> "I\'m still me, I just need a list now."\n\n'
                    "A member said that in one of our groups years ago and it stuck with me. "
                    "If it's worrying you, your team are a good place to start."
                ),
                "replies": [
                    {
                        "author": "jen_survivor",
                        "body": (
                            "\"I'm still me, I just need a list now\" \u2014 I'm writing that "
                            "on a sticky note for my monitor. Thank you, everyone. I feel so "
                            "much less alone with it. Dave, the kettle story made me laugh "
                            "out loud on the train. Sam, the whiteboard is a lovely idea; "
                            "I hope your mum finds it helps."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
]

_SCANS_THREADS: list[dict] = [
    {
        "author": "jen_survivor",
        "title": "Annual scan on Tuesday \u2014 scanxiety thread, come sit with me",
        "body": (
            "It's that time of year again. Annual scan on Tuesday, results the week after. "
            "Four years in, you'd think I'd be used to it, but I've been snappy with "
            "everyone and I woke at 4am convinced every twinge means something.\n\n"
            "If you're waiting for a scan or results too, this is your thread. Tell us what "
            "you're waiting for and what you're doing to get through it. No need to be "
            "positive. Tired, scared and fed up are all welcome here."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "priya_k",
                "body": (
                    "Sitting with you, Jen. Mine is a mid-treatment scan on Thursday to see "
                    "how things are responding. I've cleaned the entire flat, including "
                    "behind the fridge, which is how you know I'm anxious.\n\n"
                    "Plan for Thursday evening: my sister is coming over, we're getting "
                    "takeaway, and I've banned all conversation about hospitals."
                ),
                "replies": [],
            },
            {
                "author": "dave_r",
                "body": (
                    "Count me in. CT next Monday. The bit I hate is lying there with my arms "
                    "over my head, trying to read the radiographer's face through the "
                    "window. They always look the same, obviously, because they're just "
                    "doing their job, but that doesn't stop me."
                ),
                "replies": [
                    {
                        "author": "jen_survivor",
                        "body": (
                            "Dave, I do the face-reading thing too! A radiographer once told "
                            "me they're mostly concentrating on positioning and couldn't tell "
                            "me anything even if they wanted to, because someone else reports "
                            "the images later. Oddly, that helped. Now I count ceiling tiles "
                            "instead. Good luck Monday, and Priya, good luck Thursday."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "jen_survivor",
                "body": (
                    "**Update:** results back this morning and everything is clear. I sat in "
                    "the car park and sobbed with relief, then went and bought the most "
                    "expensive coffee on the menu.\n\n"
                    "Thank you all for keeping me company this week. Priya and Dave, I'm "
                    "thinking of you both and hoping for good news. I'll keep checking this "
                    "thread."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "dave_r",
        "title": "How do you handle the wait for results?",
        "body": (
            "Scanxiety is one thing, but for me the worst part is after the scan. Last time "
            "it was ten days until my appointment, and I could barely concentrate on "
            "anything.\n\n"
            "Linda's been brilliant, but I can see it's wearing her out too. I'd like to "
            "handle it better this time, for both of us. What do you all do with those "
            "days? Does anyone ask for results by phone, or do you always wait for the "
            "appointment?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "maria_facilitator",
                "body": (
                    "Good question, Dave. A few things that members have found helpful:\n\n"
                    "- **Ask at the scan how and when results will come.** Knowing the date "
                    "stops you jumping every time the phone rings.\n"
                    "- **Ask your team whether a phone call is possible.** Some teams offer "
                    "it; some prefer to see you in person. Either way, you know.\n"
                    "- **Plan the days.** Something small to look forward to each day, "
                    "rather than one big distraction.\n\n"
                    "And be gentle with each other. It's a hard wait for both of you."
                ),
                "replies": [],
            },
            {
                "author": "linda_caregiver",
                "body": (
                    "Speaking as the one who waits alongside: what helps me is us agreeing a "
                    "time each day to talk about it \u2014 twenty minutes after dinner \u2014 "
                    "and then trying to leave it alone the rest of the time. Otherwise we "
                    "circle round and round it all day.\n\n"
                    "Also, Dave, you are not wearing me out. The waiting is. That's different."
                ),
                "replies": [
                    {
                        "author": "dave_r",
                        "body": (
                            "That's fair, and thank you, love. The twenty minutes after "
                            "dinner worked well last time, even if I cheated a bit. I've asked "
                            "the nurse and they're happy to phone with results this round, so "
                            "at least we'll know the day. Going to plan a couple of walks by "
                            "the river and the grandkids on Saturday."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
]

_LIFE_AFTER_THREADS: list[dict] = [
    {
        "author": "noor_h",
        "title": "Going back to work after a year off \u2014 phased return tips?",
        "body": (
            "I'm going back to my job (marketing, mostly office-based) next month after a "
            "year off for treatment. My manager has been supportive, and we're talking "
            "about a phased return, but I don't really know what to ask for.\n\n"
            "I'm also dreading the first day. Everyone will either want to talk about it or "
            "be weird and avoid me. And I still get tired by mid-afternoon.\n\n"
            "Anyone been through this? What did your phased return look like, and what do "
            "you wish you'd asked for?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "jen_survivor",
                "body": (
                    "Congratulations on getting to this point, Noor. Mine was six weeks "
                    "building from three half-days to full time, and I wish I'd asked for "
                    "eight. Things I'd ask for:\n\n"
                    "- Regular check-ins with your manager to adjust the plan.\n"
                    "- Flexibility for follow-up appointments.\n"
                    "- A quiet spot for when you hit the afternoon wall.\n\n"
                    'For the first day, I sent a short email before I came back: "Happy to '
                    "be back! I'm doing well and I'd love to talk about anything *except* "
                    'cancer." It worked a treat.'
                ),
                "replies": [
                    {
                        "author": "noor_h",
                        "body": (
                            "The email is genius, Jen. I've drafted one already and it's a "
                            "huge relief to know I can set the tone myself rather than wait "
                            "for people to work it out. I'm going to ask for the check-ins "
                            "and the extra couple of weeks too. It's reassuring that you wish "
                            "you'd gone slower rather than faster."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "Lovely to see this, Noor. Going back to work is a big milestone and it's "
                    "normal for it to feel both exciting and daunting.\n\n"
                    "It's worth finding out what adjustments you can ask for where you live. "
                    "If you're in the UK, [Macmillan](https://www.macmillan.org.uk) has good "
                    "information on work and cancer, and your HR team or occupational health "
                    "can explain how things work in your organisation.\n\n"
                    "And if the afternoon tiredness hangs on, mention it at your follow-up."
                ),
                "replies": [],
            },
            {
                "author": "dave_r",
                "body": (
                    "Bookmarking this for myself for later in the year, thank you all. I'm "
                    "self-employed so it'll look a bit different for me, but the idea of "
                    "building up slowly and planning for the afternoon slump makes a lot of "
                    "sense. Good luck with the first day, Noor. I hope they've kept your "
                    "desk and your favourite mug."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "maria_facilitator",
        "title": '"You must be so glad it\'s all over" \u2014 when the end of treatment is hard',
        "body": (
            "Something that comes up again and again in our groups: you finish treatment, "
            "everyone celebrates, and you feel\u2026 flat. Or frightened. Or lost without the "
            "routine of appointments and the team checking on you.\n\n"
            'People say "you must be so glad it\'s over", and you nod, but inside it '
            "doesn't feel over at all.\n\n"
            "If that's you, you're not ungrateful and you're not doing it wrong. I'd love "
            "this to be a thread where we can say how it actually felt, and what helped."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "noor_h",
                "body": (
                    "This was exactly me. On my last day of radiotherapy I rang the bell, "
                    "everyone clapped, I went home and sat on the kitchen floor feeling "
                    "terrified. During treatment I was *doing* something. Afterwards it felt "
                    "like I'd been let go without a safety net.\n\n"
                    "What helped was talking to other people who'd felt the same, and "
                    "accepting that recovery took much longer than treatment did."
                ),
                "replies": [],
            },
            {
                "author": "jen_survivor",
                "body": (
                    "Four years on, it's so much better, but I remember the first year after "
                    "treatment being harder than treatment itself in a lot of ways. My "
                    "body was different, my confidence was gone, and I kept waiting for the "
                    "other shoe to drop.\n\n"
                    "A counsellor helped me a lot, and so did finding this community. So did "
                    "saying out loud to my partner: \"I'm not okay yet, and that's okay.\""
                ),
                "replies": [
                    {
                        "author": "maria_facilitator",
                        "body": (
                            "\"I'm not okay yet, and that's okay\" is such a good thing to be "
                            "able to say, Jen. Thank you both. I hope anyone reading this who "
                            "has just finished treatment feels a little less alone. Ringing "
                            "the bell is a milestone, not a finish line, and every one of us "
                            "takes our own route from there."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "linda_caregiver",
                "body": (
                    "I'm reading this from the other side and it's really helping. Dave still "
                    "has a few cycles to go, but I think I'd imagined the end of treatment "
                    "as the moment we'd get our old life back. It's good to know it might not "
                    "feel like that straight away, for him or for me, and that it doesn't "
                    "mean something has gone wrong."
                ),
                "replies": [],
            },
        ],
    },
]

_YOUNG_ADULTS_THREADS: list[dict] = [
    {
        "author": "maria_facilitator",
        "title": "Weekly check-in: how's everyone doing?",
        "body": (
            "Hi all, it's check-in time. As always, share as much or as little as you want. "
            "A word, an emoji, or an essay are all fine.\n\n"
            "A gentle prompt if you need one: **what's been hardest this week, and what's "
            "been one small good thing?**\n\n"
            "And a reminder that what's said here stays here, as per our agreement at the "
            "top of the group."
        ),
        "pinned": True,
        "locked": False,
        "replies": [
            {
                "author": "priya_k",
                "anonymous": True,
                "body": (
                    "Hardest: round three of chemo knocked me flat. I slept most of Saturday "
                    'and felt guilty the whole time that I wasn\'t "doing" anything. Also, '
                    "my eyebrows are starting to go, which feels unfair on top of everything "
                    "else.\n\n"
                    'Small good thing: my nephew drew me a picture of "Auntie Priya with no '
                    "hair and a crown\". It's on the fridge."
                ),
                "replies": [],
            },
            {
                "author": "noor_h",
                "body": (
                    "Hardest: I had a wobble about my check-up next month. Small good thing: "
                    "I went to a yoga class for the first time since surgery and didn't fall "
                    "over.\n\n"
                    "Priya, sleeping on a Saturday after chemo *is* doing something. It's "
                    "your body doing a lot of work. And for the eyebrows, a friend showed me "
                    "how to draw them in and I've kept doing it even now they're back."
                ),
                "replies": [
                    {
                        "author": "priya_k",
                        "body": (
                            "Noor, please teach me the eyebrow trick, I tried last night and "
                            "looked permanently surprised. And well done on the yoga! "
                            '"Sleeping is doing something" is going on a sticky note. I\'m '
                            "slowly collecting a whole wall of wisdom from this group. Good "
                            "luck with your check-up; I'll be thinking of you."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "jen_survivor",
                "body": (
                    "Hardest: I'm fine, honestly, but work is busy and I'm tired. Small good "
                    "thing: four years since my last chemo this week, and I celebrated with "
                    "cake.\n\n"
                    "Priya, the crown picture is perfect. Noor, that yoga class is a real "
                    "milestone. I remember how long it took before I trusted my body again. "
                    "Proud of you both."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "priya_k",
        "title": "Fertility conversations \u2014 did anyone else feel rushed?",
        "body": (
            "Before chemo I had about ten days to think about fertility preservation. I "
            "wasn't even sure I wanted children, and suddenly I had to decide whether to do "
            "something about it *right now*, while still in shock about the diagnosis.\n\n"
            "I did go ahead, and I'm glad I had the option, but I still feel a bit "
            "steamrollered by the whole thing. Did anyone else feel like this? How did you "
            "make decisions when there wasn't time to think?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "noor_h",
                "body": (
                    "Yes, completely. I had even less time and I remember sitting in the "
                    "clinic car park thinking \"I'm 29, I haven't even decided whether I like "
                    'my job, how am I supposed to decide this?"\n\n'
                    "What helped was asking the fertility team to explain what each option "
                    "would mean for the timing of my cancer treatment. Once I understood "
                    "that, the decision felt less like a cliff edge."
                ),
                "replies": [],
            },
            {
                "author": "jen_survivor",
                "body": (
                    "I decided not to, and I've made peace with that, but it took a long "
                    "time. I think the feeling of being rushed deserves its own space \u2014 "
                    "it's a kind of grief about losing the chance to decide slowly, whatever "
                    "you actually chose.\n\n"
                    "Some hospitals have counsellors linked to the fertility clinic. It might "
                    "be worth asking, even now it's done."
                ),
                "replies": [
                    {
                        "author": "priya_k",
                        "body": (
                            '"Grief about losing the chance to decide slowly" \u2014 yes, Jen. '
                            "That's it exactly. I've been feeling guilty for being upset when "
                            "I was lucky to have the option at all, but both things can be "
                            "true. I'll ask at my next appointment about the counselling. "
                            "Thank you for sharing something so personal."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "Thank you all for being so open. This is one of the topics that comes "
                    "up most in young adult groups, and it often goes unspoken elsewhere.\n\n"
                    "Whatever you chose, or didn't get the chance to choose, your feelings "
                    "about it are valid. If anyone would like to talk one-to-one about this, "
                    "my messages are open."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "noor_h",
        "title": "Dating after a mastectomy \u2014 when do you tell someone?",
        "body": (
            "Okay, slightly nervous about posting this one. I've started dating again, and "
            "I've been on two dates with someone really nice. It's going well, which is "
            "exactly why I'm panicking.\n\n"
            "When do you tell someone about cancer? About the mastectomy? First date feels "
            "like too much, but the longer I leave it the more it feels like I'm hiding "
            "something. And what if they react badly?\n\n"
            "I'd love to hear how others handled it, good or bad."
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "jen_survivor",
                "body": (
                    "Noor, how exciting! My partner and I met a year after treatment. I told "
                    "him about the cancer on the third date, quite casually, as part of "
                    '"what was last year like". The mastectomy conversation came later, when '
                    "things were getting more serious, and I chose a quiet evening at home.\n\n"
                    "Honestly, his reaction told me a lot about him, in a good way. Someone "
                    "who's right for you will care about *you*."
                ),
                "replies": [],
            },
            {
                "author": "priya_k",
                "body": (
                    "I'm not dating right now (chemo and dating don't mix, I've decided), but "
                    "I've worried about this a lot, so thank you for asking it, Noor. Jen's "
                    "answer is really reassuring. I like the idea of telling it as part of "
                    "the story of your year, rather than as a big confession. Please keep "
                    "us updated on the really nice person!"
                ),
                "replies": [],
            },
            {
                "author": "maria_facilitator",
                "body": (
                    "A brave post, Noor, and a very common question. There's no right "
                    "timeline \u2014 the best time is when you feel safe enough to share, and "
                    "you get to decide how much.\n\n"
                    "Some people find it helps to practise the words out loud first, with a "
                    "friend or even the mirror. If it's useful, we could spend part of next "
                    "month's group call on this. I suspect you're not the only one wondering."
                ),
                "replies": [],
            },
        ],
    },
]


# --------------------------------------------------------------------------------------------
# Family, friends & caregivers
# --------------------------------------------------------------------------------------------

_SUPPORTING_THREADS: list[dict] = [
    {
        "author": "linda_caregiver",
        "title": "My husband is in chemo and I'm running on empty",
        "body": (
            "I feel awful even writing this. Dave is the one going through chemo, not me. "
            "But between his appointments, my job, the house and keeping the family "
            "updated, I'm exhausted. I snapped at him last night over the washing-up and "
            "then cried in the bathroom.\n\n"
            "Everyone asks how he's doing. Hardly anyone asks how I am, and when they do, I "
            'say "fine" because it feels selfish to say anything else.\n\n'
            "How do other carers keep going? And how do you ask for help without feeling "
            "like a failure?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "sam_daughter",
                "body": (
                    "Linda, you're not selfish and you're not failing. You're tired because "
                    "you're doing a lot. I'm supporting my mum and I've had so many "
                    "bathroom-cry moments I've lost count.\n\n"
                    'One thing that worked for me: when people say "let me know if you need '
                    'anything", I now give them a specific job. "Could you drop a meal round '
                    'on Thursday?" People actually seem relieved to be told what to do.'
                ),
                "replies": [],
            },
            {
                "author": "kwame_facilitator",
                "body": (
                    "Linda, thank you for saying this out loud. Carers often feel they don't "
                    "have the right to struggle, but you're carrying a huge load too.\n\n"
                    "A few things that other carers here have found helpful:\n\n"
                    "- One small thing each week that's just for you, and protecting it.\n"
                    "- Telling your GP or Dave's team that you're his carer. They can "
                    "sometimes point you to support.\n"
                    "- Reading up on caring for someone with cancer, for example on the "
                    "[American Cancer Society](https://www.cancer.org) site.\n\n"
                    "You matter in this too."
                ),
                "replies": [
                    {
                        "author": "linda_caregiver",
                        "body": (
                            "Thank you, Kwame, and thank you Sam. I've booked a swim for "
                            "Wednesday mornings, and my sister is going to sit with Dave on "
                            "treatment days once a month so I can have a break. It's small, "
                            "but just having it in the diary makes me feel like I can breathe "
                            'again. I\'m also going to stop saying "fine".'
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "dave_r",
                "body": (
                    "For the record, since I know Linda reads this: she is amazing, and the "
                    "washing-up argument was at least 60% my fault.\n\n"
                    "I didn't realise how much she was carrying until I read this. We've had "
                    "a proper talk and I've taken over a few things I can still do, like "
                    "the online shopping and ringing the family with updates. Carers need "
                    "looking after too."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "sam_daughter",
        "title": "Supporting Mum from two hours away",
        "body": (
            "My mum has ovarian cancer and is in the middle of chemo. She lives two hours "
            "from me, on her own, and I have a job and two kids at primary school. I drive "
            "up every other weekend and for the big appointments, but I'm constantly "
            "worried about the days I'm not there.\n\n"
            'She\'s fiercely independent and hates "a fuss". Has anyone managed caring at a '
            "distance? What helped you feel less guilty, and what actually helped the "
            "person you were caring for?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "linda_caregiver",
                "body": (
                    "Sam, that sounds so hard. I only have to go upstairs to check on Dave "
                    "and I still worry.\n\n"
                    "A friend of mine cared for her dad from a distance, and the thing that "
                    "helped most was a short daily call at the same time each day. Not a "
                    "big check-up, just ten minutes of normal chat. She said she could tell "
                    "more from his voice than from anything he actually said."
                ),
                "replies": [],
            },
            {
                "author": "kwame_facilitator",
                "body": (
                    "Distance caring comes with a very particular kind of guilt, Sam, so "
                    "please know you're not alone with it. A couple of ideas from others:\n\n"
                    "- Ask your mum who she'd be happy to have pop in \u2014 a neighbour, a "
                    "friend from church, a cousin \u2014 so it's *her* choice, not a fuss.\n"
                    "- If she agrees, ask her team whether you can be a contact for them.\n\n"
                    "What you're already doing is a lot."
                ),
                "replies": [
                    {
                        "author": "sam_daughter",
                        "body": (
                            "Framing it as her choice is clever, Kwame. I asked Mum at the "
                            'weekend who she\'d like to "pop round for a cuppa", and she '
                            "picked her neighbour Jean straight away. Jean is thrilled. Mum "
                            "has also agreed to add me as a contact for her nurse. Feels "
                            "like a big step."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "tom_b",
                "body": (
                    "I cared for my wife Ruth at home before she died, so not at a distance, "
                    "but one thing I'd pass on: don't save all the important conversations "
                    "for the big visits. Some of the best chats Ruth and I had were about "
                    "nothing in particular, over a cup of tea on an ordinary Tuesday.\n\n"
                    "Your mum sounds like a strong woman. I hope the weekends are good ones."
                ),
                "replies": [],
            },
        ],
    },
    {
        "author": "jen_survivor",
        "title": "What actually helped me, from the patient's side",
        "body": (
            "There are lots of threads here from carers wondering what to do, so I thought "
            "I'd share what actually helped me when I was in treatment:\n\n"
            '1. **Specific offers.** "I\'m dropping soup on Tuesday" beat "let me know if '
            'you need anything" every time.\n'
            "2. **Normal conversation.** Gossip, rubbish TV, anything but cancer.\n"
            "3. **Showing up without needing me to host.** A friend would sit and read "
            "while I slept.\n"
            '4. **Not asking "how are you?" with the head tilt.**\n\n'
            "What would others add?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "sam_daughter",
                "body": (
                    "This is so useful, Jen, thank you. Number 3 especially. I always feel I "
                    "have to be *doing* something when I visit Mum, cleaning or cooking or "
                    "sorting paperwork. Maybe sometimes she'd just like me to sit with her "
                    "and watch the quiz shows she loves. I'm going to try that next weekend "
                    "and see how it goes."
                ),
                "replies": [],
            },
            {
                "author": "linda_caregiver",
                "body": (
                    "Number 4 made me laugh because I've definitely done the head tilt. I'd "
                    "add one from the carer side: **let the person keep their jobs.** Dave "
                    "was upset when I took over everything, because it made him feel useless. "
                    "Now he does what he can, even if it takes longer, and he seems happier "
                    "for it."
                ),
                "replies": [],
            },
        ],
    },
]

_BEREAVEMENT_THREADS: list[dict] = [
    {
        "author": "grace_m",
        "title": "Leo's birthday is next week",
        "body": (
            "Leo would have been 22 next Thursday. It's the third birthday without him and "
            "I thought it would get easier, but this year I've been dreading it for weeks.\n\n"
            "The first year, everyone remembered. Now people don't mention him, and I "
            "understand why, but it feels like he's disappearing. I want to say his name "
            "out loud. Leo. He loved terrible puns, football and his little sister.\n\n"
            "How do you all mark the days that matter?"
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "tom_b",
                "body": (
                    "Thank you for telling us about Leo, Grace. I like the sound of him. "
                    "Terrible puns are the best kind.\n\n"
                    "Ruth's birthday was in the spring. I didn't know what to do, so I went "
                    "to the garden centre we always visited, bought the yellow roses she "
                    "liked and had a scone in the café. It was hard, but it felt right. "
                    "I'll be thinking of you and Leo next Thursday."
                ),
                "replies": [],
            },
            {
                "author": "kwame_facilitator",
                "body": (
                    "Grace, thank you for bringing Leo into the circle. Saying his name here "
                    "is always welcome.\n\n"
                    "Many people tell me the later anniversaries can be harder, precisely "
                    "because the world around you has moved on. Some people in the circle "
                    'have asked friends directly: "Please mention him; it helps me." '
                    "Others make a ritual of their own. There's no right way."
                ),
                "replies": [
                    {
                        "author": "grace_m",
                        "body": (
                            "Thank you both. I took your advice, Kwame, and sent a message to "
                            "a few of Leo's friends and mine, saying I'd love to hear a memory "
                            "of him on his birthday. I've already had three replies, one with "
                            "a photo I'd never seen. Tom, I think we'll go to the football "
                            "ground and have a pie in his honour."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
    {
        "author": "tom_b",
        "title": "Clearing out Ruth's wardrobe",
        "body": (
            "My daughter has offered to help me sort through Ruth's clothes. It's been "
            "fourteen months and the wardrobe is exactly as she left it. Part of me knows "
            "it's time, and part of me feels like I'd be giving her away.\n\n"
            "I'm not sure what I'm asking. Maybe just whether anyone else found this so "
            'hard, and whether there\'s a "right" time.'
        ),
        "pinned": False,
        "locked": False,
        "replies": [
            {
                "author": "grace_m",
                "body": (
                    "Tom, I still haven't cleared Leo's room completely, and it's been three "
                    "years. I've done it bit by bit. I gave his football shirts to his "
                    "friends, which felt like passing something on rather than giving it "
                    "away.\n\n"
                    "I don't think there's a right time. There's just the time you're ready "
                    "for, and it's okay if that's not now. It's also okay to keep things."
                ),
                "replies": [
                    {
                        "author": "tom_b",
                        "body": (
                            "Passing something on rather than giving it away \u2014 that's "
                            "helped, Grace. Ruth had a green coat she loved, and our "
                            "granddaughter always used to borrow it. I think I'd like her to "
                            "have it. Maybe I'll start there and leave the rest for another "
                            "day. Thank you for telling me about Leo's shirts."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "author": "kwame_facilitator",
                "body": (
                    "This is such a common and tender question, Tom. Some people in the "
                    'circle kept a "memory box" of a few special items before sorting the '
                    "rest, and found that made it feel less like an ending.\n\n"
                    "Doing it with your daughter sounds like a good plan. Give yourselves "
                    "permission to stop whenever you need to, and to laugh as well as cry."
                ),
                "replies": [],
            },
        ],
    },
]


_CONFIDENTIALITY_YOUNG_ADULTS = (
    "## Our group agreement\n\n"
    "This is a private, facilitated group for young adults living with or beyond breast "
    "cancer. By joining, you agree to:\n\n"
    "- **Keep it confidential.** What's shared here stays here. Don't quote, screenshot or "
    "retell members' stories elsewhere, on Kindred or off it.\n"
    "- **Speak from your own experience.** Share what helped you; leave medical decisions "
    "to each person and their care team.\n"
    "- **Respect every choice.** Treatment, fertility, surgery, dating: there's no single "
    "right way.\n"
    "- **Look after each other.** If you're worried about someone, tell Maria.\n\n"
    "You can leave the group at any time."
)

_CONFIDENTIALITY_BEREAVEMENT = (
    "## Our circle agreement\n\n"
    "The Bereavement circle is a small, private space for people who have lost someone to "
    "cancer. By joining, you agree to:\n\n"
    "- **Keep what's shared here in the circle.** Never repeat names or stories outside it.\n"
    "- **Listen without fixing.** Grief isn't a problem to solve, and there's no timetable.\n"
    "- **Honour every loss.** A parent, a partner, a child, a friend: all grief belongs here.\n"
    "- **Reach out if you're struggling.** Message Kwame, and if you're in crisis contact "
    "your local emergency number or a helpline.\n\n"
    "> You don't have to say anything to belong here."
)


CATEGORIES: list[dict] = [
    {
        "name": "Welcome & getting started",
        "description": (
            "New to Kindred? Start here. Say hello, find your way around, and get help with "
            "the first weeks after a diagnosis."
        ),
        "boards": [
            {
                "name": "Introductions",
                "description": (
                    "Say hello and tell us a little about yourself, as much or as little as "
                    "you like. Site announcements appear here too."
                ),
                # A newcomer's first words: open to read (so people can see what Kindred is
                # like), kept out of search engines, and anonymous posting allowed.
                "visibility": "public",
                "noindex": True,
                "anonymous_allowed": True,
                "facilitators": ["maria_facilitator"],
                "members": [],
                "guidelines": "",
                "threads": _INTRODUCTIONS_THREADS,
            },
            {
                "name": "Newly diagnosed: where do I start?",
                "description": (
                    "For the overwhelming first weeks: questions to ask, what the waiting is "
                    "like, and how other people got through it."
                ),
                # The first weeks after a diagnosis: read by members only, anonymous allowed.
                "visibility": "members",
                "anonymous_allowed": True,
                "facilitators": ["maria_facilitator"],
                "members": [],
                "guidelines": "",
                "threads": _NEWLY_DIAGNOSED_THREADS,
            },
            {
                "name": "Facilitators' lounge",
                "description": (
                    "A private space for peer facilitators and site staff to debrief, share "
                    "practice and look after each other. Never discuss identifiable member "
                    "details here."
                ),
                "visibility": "hidden",
                "facilitators": ["maria_facilitator", "kwame_facilitator"],
                "members": ["admin"],
                "guidelines": (
                    "This lounge is for facilitators and staff only. Debrief the *feelings*, "
                    "not the stories: **never** share names, quotes or identifying details "
                    "from private groups here. Everything in this space stays in this space."
                ),
                "threads": _FACILITATORS_LOUNGE_THREADS,
            },
        ],
    },
    {
        "name": "Living with cancer",
        "description": (
            "Treatment, side effects, scans and life afterwards, shared by people who've "
            "been there. Experience, not medical advice."
        ),
        "boards": [
            {
                "name": "Treatment & side effects",
                "description": (
                    "Fatigue, neuropathy, hair loss, chemo brain and everything else. Share "
                    "what helped you day to day, and always check medical questions with "
                    "your own care team."
                ),
                "visibility": "members",
                "facilitators": ["maria_facilitator", "ana_nurse"],
                "members": [],
                "guidelines": "",
                "threads": _TREATMENT_THREADS,
            },
            {
                "name": "Scans, results & scanxiety",
                "description": (
                    "Waiting for a scan or results? Come and sit with people who know exactly "
                    "what that feels like."
                ),
                "visibility": "members",
                "facilitators": [],
                "members": [],
                "guidelines": "",
                "threads": _SCANS_THREADS,
            },
            {
                "name": "Life after treatment",
                "description": (
                    "Going back to work, living with uncertainty, changed bodies and "
                    "relationships, and finding your feet again after treatment ends."
                ),
                "visibility": "members",
                "facilitators": ["maria_facilitator"],
                "members": [],
                "guidelines": "",
                "threads": _LIFE_AFTER_THREADS,
            },
            {
                "name": "Young adults with breast cancer",
                "description": (
                    "A private, facilitated group for people diagnosed with breast cancer in "
                    "their twenties and thirties."
                ),
                "visibility": "private",
                "facilitators": ["maria_facilitator"],
                "members": ["priya_k", "noor_h", "jen_survivor"],
                "guidelines": _CONFIDENTIALITY_YOUNG_ADULTS,
                "anonymous_allowed": True,
                "professionally_led": False,
                "threads": _YOUNG_ADULTS_THREADS,
            },
        ],
    },
    {
        "name": "Family, friends & caregivers",
        "description": (
            "For partners, parents, children and friends: caring for someone with cancer, "
            "looking after yourself, and grief."
        ),
        "boards": [
            {
                "name": "Supporting someone with cancer",
                "description": (
                    "For partners, family and friends: practical tips, hard days, and "
                    "looking after yourself while you look after someone else."
                ),
                "visibility": "public",
                "facilitators": ["kwame_facilitator"],
                "members": [],
                "guidelines": "",
                "threads": _SUPPORTING_THREADS,
            },
            {
                "name": "Bereavement circle",
                "description": (
                    "A small, private and facilitated circle for people who have lost someone "
                    "to cancer."
                ),
                "visibility": "private",
                "facilitators": ["kwame_facilitator"],
                "members": ["grace_m", "tom_b"],
                "guidelines": _CONFIDENTIALITY_BEREAVEMENT,
                "anonymous_allowed": True,
                "professionally_led": True,
                "threads": _BEREAVEMENT_THREADS,
            },
        ],
    },
]

#: The "Find groups" directory: made-up groups outside the forum (websites on example.org).
#: Private conversations between demo members (the first of ``between`` starts it), dated
#: ``days_ago`` (then hours between messages). ``read``: everyone has read to the end;
#: otherwise only those who wrote have read their own words.
CONVERSATIONS: list[dict] = [
    {
        "subject": "Going back to work after chemo",
        "between": ["priya_k", "jen_survivor"],
        "days_ago": 19,
        "read": True,
        "messages": [
            (
                "priya_k",
                "Hi Jen, I saw your post about going back to work. I'm not there yet (three more rounds) but I already lie awake thinking about it. Did you tell your whole team, or just your manager?",
            ),
            (
                "jen_survivor",
                "Hi Priya! Just my manager at first, and we agreed together what to say to the team. It helped to have one sentence ready for the kitchen questions. And a phased return, if they offer it: take it, even if you feel fine in week one.",
            ),
            (
                "priya_k",
                "One sentence for the kitchen, I love that. Thank you, that's already one less thing going round my head at 3am.",
            ),
        ],
    },
    {
        "subject": "Scanxiety",
        "between": ["noor_h", "jen_survivor"],
        "days_ago": 1,
        "read": False,
        "messages": [
            (
                "noor_h",
                "Hi Jen, my first check-up scan is on Thursday and I'm a mess. You said once you book something small for the day after. What do you book? I need ideas.",
            ),
        ],
    },
]


SUPPORT_GROUPS: list[dict] = [
    {
        "name": "Riverside breast cancer coffee morning",
        "description": (
            "An informal coffee morning on the first Saturday of each month for anyone living "
            "with or after breast cancer. Partners welcome. Step-free access."
        ),
        "meeting_format": "in_person",
        "led_by": "peers",
        "country": "GB",
        "city": "Bristol",
        "languages": ["en"],
        "cancer_types": ["breast"],
        "website": "https://riverside-coffee.example.org/",
    },
    {
        "name": "Young adults with cancer: online evenings",
        "description": (
            "Video meetings every other Wednesday evening for people aged 18 to 39, during or "
            "after treatment. Cameras optional. Run by a youth worker and two peer volunteers."
        ),
        "meeting_format": "online",
        "led_by": "both",
        "country": None,
        "city": None,
        "languages": ["en"],
        "cancer_types": [],
        "website": "https://young-adults-evenings.example.org/",
    },
    {
        "name": "Groupe de parole des aidants",
        "description": (
            "Un groupe pour les proches de personnes atteintes d'un cancer, animé par une "
            "psychologue. Deux rencontres par mois, sur place ou en visioconférence."
        ),
        "meeting_format": "both",
        "led_by": "professionals",
        "country": "FR",
        "city": "Lyon",
        "languages": ["fr"],
        "cancer_types": [],
        "website": "https://aidants-lyon.example.org/",
    },
    {
        "name": "Prostate cancer walking group",
        "description": (
            "A gentle 5 km walk every Sunday morning, followed by tea. Men with prostate "
            "cancer and their families. No need to book."
        ),
        "meeting_format": "in_person",
        "led_by": "peers",
        "country": "IE",
        "city": "Galway",
        "languages": ["en", "ga"],
        "cancer_types": ["prostate"],
        "website": None,
    },
    {
        "name": "Blood cancer patient circle (Deutsch / English)",
        "description": (
            "Monthly online circle for people living with leukaemia, lymphoma or myeloma, "
            "with a haematology nurse answering general questions (no personal medical advice)."
        ),
        "meeting_format": "online",
        "led_by": "professionals",
        "country": "DE",
        "city": None,
        "languages": ["de", "en"],
        "cancer_types": ["blood"],
        "website": "https://blutkrebs-kreis.example.org/",
    },
]

#: Our own groups' meetings, dated from the day the demo is loaded: ``weekday`` (Monday is 0)
#: and ``time`` in the meeting's zone, ``weeks_ahead`` after the next such day. ``answers``
#: are (member, going / maybe / not_going, shows their name to the group) for the first date;
#: "going" to a full meeting puts the member on its waiting list.
MEETINGS: list[dict] = [
    {
        # A weekly online peer group, open to every signed-in member.
        "board": "Treatment & side effects",
        "organiser": "maria_facilitator",
        "title": "Tuesday evening circle",
        "description": (
            "A relaxed hour and a half to talk about how treatment is going: side effects, "
            "tiredness, the good days and the hard ones. Come when you can, leave when you "
            "need to, and keep your camera off if you like.\n\n"
            "Maria opens the call a few minutes early. The link appears on the meeting's page "
            "for people going, half an hour before the start."
        ),
        "timezone": "Europe/London",
        "weekday": 1,
        "time": (19, 0),
        "duration_minutes": 90,
        "mode": "online",
        "link": "https://meet.example.org/kindred-tuesday-evening-circle",
        "recurrence": "weekly",
        "answers": [
            ("jen_survivor", "going", False),
            ("dave_r", "going", False),
            ("priya_k", "maybe", False),
        ],
    },
    {
        # A monthly in-person meeting in a public group: even guests find it.
        "board": "Supporting someone with cancer",
        "organiser": "kwame_facilitator",
        "title": "Carers' coffee morning",
        "description": (
            "Coffee, cake and an easy chat with other people caring for someone with cancer. "
            "No need to bring anything, or to say anything.\n\n"
            "The community room is on the ground floor, with step-free access and a quiet "
            "corner if you need a moment."
        ),
        "timezone": "Europe/London",
        "weekday": 5,
        "time": (10, 30),
        "weeks_ahead": 1,
        "duration_minutes": 120,
        "mode": "in_person",
        "place": "Community room, Riverside Library",
        "address": "12 Quay Street, Bristol BS1 4DJ",
        "country": "GB",
        "recurrence": "monthly",
        "repeat_count": 6,
        "answers": [("linda_caregiver", "going", True), ("sam_daughter", "maybe", False)],
    },
    {
        # A one-off session led by a professional, in the professionally led private circle:
        # only the circle's members see it.
        "board": "Bereavement circle",
        "organiser": "kwame_facilitator",
        "title": "Grief and the holidays: an evening with a bereavement counsellor",
        "description": (
            "Anna, a bereavement counsellor, joins the circle to talk about getting through "
            "birthdays, anniversaries and the holidays after a loss, and to answer your "
            "questions. You are welcome just to listen."
        ),
        "timezone": "Europe/London",
        "weekday": 3,
        "time": (18, 30),
        "weeks_ahead": 1,
        "duration_minutes": 75,
        "mode": "online",
        "link": "https://meet.example.org/kindred-bereavement-counsellor",
        "professionally_led": True,
        "answers": [("grace_m", "going", False), ("tom_b", "maybe", False)],
    },
    {
        # A small workshop with a few places: the last one to say "going" waits for a place.
        "board": "Life after treatment",
        "organiser": "maria_facilitator",
        "title": "Back to work: a small-group workshop",
        "description": (
            "Thinking about going back to work, or just gone back? Share what helped, what "
            "you would say to your manager, and how to pace yourself. We keep it to three "
            "people so everyone has time to talk; if it is full, join the waiting list and you "
            "will be told when a place frees."
        ),
        "timezone": "Europe/London",
        "weekday": 2,
        "time": (18, 0),
        "weeks_ahead": 1,
        "duration_minutes": 60,
        "mode": "online",
        "link": "https://meet.example.org/kindred-back-to-work",
        "capacity": 3,
        "answers": [
            ("jen_survivor", "going", False),
            ("noor_h", "going", False),
            ("dave_r", "going", False),
            ("priya_k", "going", False),
        ],
    },
]
