using Larkway.Emulator.Docs;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Seed;

/// <summary>
/// Sample wiki spaces of the default tenant, with fixed ids so docs, tests and the Hub's sandbox can name them.
/// "Employee Handbook": the "Larkway Dev" group (all four people and the bot) is a member, Alice its admin; five documents
/// by Alice (onboarding by Bob). "People Ops": Carol (admin) and the app are members; its one document, "Salary bands 2025",
/// the bot can read and Alice, Bob and Dave cannot open. "Larkway Guides": a public space (everyone in the company may
/// read it) of four documents by Bob, the app an admin (so it may subscribe to their edit events), which the Hub's sandbox
/// keeps in step with its knowledge base.
/// "Assistant answers", a folder of Dave's the app may edit.
/// </summary>
public static class DefaultDocs
{
    public const string HandbookSpaceId = "7354000000000000001";
    public const string PeopleOpsSpaceId = "7354000000000000002";

    public const string WelcomeNode = "wikHandbookWelcome000000001";
    public const string WelcomeDocument = "doxHandbookWelcome000000001";
    public const string TimeOffNode = "wikHandbookTimeOff000000002";
    public const string TimeOffDocument = "doxHandbookTimeOff000000002";
    public const string ExpensesNode = "wikHandbookExpenses00000003";
    public const string ExpensesDocument = "doxHandbookExpenses00000003";
    public const string OnboardingNode = "wikHandbookOnboarding000004";
    public const string OnboardingDocument = "doxHandbookOnboarding000004";
    public const string SecurityNode = "wikHandbookSecurity00000005";
    public const string SecurityDocument = "doxHandbookSecurity00000005";
    public const string SalaryBandsNode = "wikPeopleOpsSalaryBands0001";
    public const string SalaryBandsDocument = "doxPeopleOpsSalaryBands0001";
    public const string GuidesSpaceId = "7354000000000000003";
    public const string ProductFaqNode = "wikGuidesProductFaq00000001";
    public const string ProductFaqDocument = "doxGuidesProductFaq00000001";
    public const string SupportHoursNode = "wikGuidesSupportHours000002";
    public const string SupportHoursDocument = "doxGuidesSupportHours000002";
    public const string ReleaseNotesNode = "wikGuidesReleaseNotes000003";
    public const string ReleaseNotesDocument = "doxGuidesReleaseNotes000003";
    public const string WritingGuideNode = "wikGuidesWritingGuide000004";
    public const string WritingGuideDocument = "doxGuidesWritingGuide000004";

    /// <summary>
    /// "Assistant answers": Dave's folder in the drive, which the app may edit (where the Hub's sandbox keeps <c>/doc</c>
    /// answers). As in Feishu, whoever may open a folder may open what is in it: Dave opens every answer kept there.
    /// </summary>
    public const string AnswersFolder = "fldAssistantAnswers00000001";

    internal static void Seed(DocsStore store, string appId)
    {
        var state = store.State;
        if (state.FindUser("email", "alice@example.com") is not { } alice || state.FindUser("email", "bob@example.com") is not { } bob
            || state.FindUser("email", "carol@example.com") is not { } carol || state.FindUser("email", "dave@example.com") is not { } dave || state.Chats.FirstOrDefault(c => c.Name == DefaultSeed.GeneralChatName) is not { } general)
        {
            return;
        }

        var tx = new DocsTransaction(store, store.NowMs, ChangeActor.User(alice.OpenId));
        var handbook = WikiBuilder.Space(tx, "Employee Handbook", "How we work at Larkway: time off, expenses, onboarding and security.", "private", HandbookSpaceId);
        handbook.Members.Add(new SpaceMember("user", alice.OpenId, "admin"));
        handbook.Members.Add(new SpaceMember("chat", general.ChatId, "member"));
        var byAlice = ChangeActor.User(alice.OpenId);
        var welcome = WikiBuilder.Node(tx, handbook, null, "Welcome to Larkway", Welcome, byAlice, nodeToken: WelcomeNode, objToken: WelcomeDocument);
        WikiBuilder.Node(tx, handbook, welcome, "Working hours and time off", TimeOff, byAlice, nodeToken: TimeOffNode, objToken: TimeOffDocument);
        WikiBuilder.Node(tx, handbook, welcome, "Expenses and travel", Expenses, byAlice, nodeToken: ExpensesNode, objToken: ExpensesDocument);
        WikiBuilder.Node(tx, handbook, welcome, "Engineering onboarding", Onboarding, ChangeActor.User(bob.OpenId), nodeToken: OnboardingNode, objToken: OnboardingDocument);
        WikiBuilder.Node(tx, handbook, null, "IT and security", Security, byAlice, nodeToken: SecurityNode, objToken: SecurityDocument);

        var peopleOps = WikiBuilder.Space(tx, "People Ops", "HR only: compensation and reviews.", "private", PeopleOpsSpaceId);
        peopleOps.Members.Add(new SpaceMember("user", carol.OpenId, "admin"));
        peopleOps.Members.Add(new SpaceMember("app", appId, "member"));
        WikiBuilder.Node(tx, peopleOps, null, "Salary bands 2025", SalaryBands, ChangeActor.User(carol.OpenId), nodeToken: SalaryBandsNode, objToken: SalaryBandsDocument);

        var guides = WikiBuilder.Space(tx, "Larkway Guides", "Product answers for everyone: FAQ, support hours, release notes and how we write.", "public", GuidesSpaceId);
        guides.Members.Add(new SpaceMember("user", bob.OpenId, "admin"));
        guides.Members.Add(new SpaceMember("app", appId, "admin"));
        var byBob = ChangeActor.User(bob.OpenId);
        var faq = WikiBuilder.Node(tx, guides, null, "Product FAQ", ProductFaq, byBob, nodeToken: ProductFaqNode, objToken: ProductFaqDocument);
        WikiBuilder.Node(tx, guides, faq, "Support hours and escalation", SupportHours, byBob, nodeToken: SupportHoursNode, objToken: SupportHoursDocument);
        WikiBuilder.Node(tx, guides, null, "Release notes 2026", ReleaseNotes, byBob, nodeToken: ReleaseNotesNode, objToken: ReleaseNotesDocument);
        WikiBuilder.Node(tx, guides, null, "Writing guide", WritingGuide, byBob, nodeToken: WritingGuideNode, objToken: WritingGuideDocument);

        var byDave = ChangeActor.User(dave.OpenId);
        var answers = new DocFile
        {
            Token = AnswersFolder, Type = "folder", Title = "Assistant answers", Owner = byDave, FolderToken = store.RootOf(byDave).Token, CreatedTime = tx.Now, ModifiedTime = tx.Now,
        };
        answers.Members.Add(new DocMember("app", appId, "openid", "edit"));
        store.PutFile(answers);
    }

    private const string Welcome = """
        # Who we are
        Larkway builds integrations that let companies work inside **Feishu**, WeCom and DingTalk.
        This handbook is the one place for how we work. If something here is wrong, fix it or tell the *People Ops* team.
        !!! New here? Start with "Working hours and time off", then "Engineering onboarding" if you write code.
        ## Our values
        - Customers first: we ship what helps them, and say no to what does not.
        - Write it down: decisions live in documents, not in chat scroll-back.
        - Own the outcome: you finish what you start, or hand it over clearly.
        ## Where to ask
        Questions about this handbook go to the "Larkway Dev" group. Read the [Feishu help center](https://www.feishu.cn/hc) for the tools.
        """;

    private const string TimeOff = """
        # Working hours
        Core hours are 10:00 to 16:00 China Standard Time. Outside them, work when it suits you and your team.
        > Meetings are not booked before 10:00 or after 17:00 without asking first.
        # Time off
        Ask for leave in the approval app at least two weeks ahead for anything longer than three days.
        | Leave type | Days per year | Notes |
        |---|---|---|
        | Annual leave | 15 | Up to 5 unused days roll over to March |
        | Sick leave | 10 | A doctor's note after 3 days in a row |
        | Parental leave | 90 | Paid in full; talk to People Ops |
        ## Public holidays
        - We follow the mainland China public holiday calendar.
        - Swap a holiday with your manager's agreement if your customers work that day.
        """;

    private const string Expenses = """
        # Expenses
        Claim business expenses within 30 days with the **Payment** approval, a receipt attached.
        1. Keep the receipt (a photo is fine).
        2. Submit a Payment request with the amount and the reason.
        3. Your manager approves, then Finance pays within 5 working days.
        # Travel
        | Item | Limit | Booked by |
        |---|---|---|
        | Flights | Economy class | Travel desk |
        | Hotels | 600 CNY a night | You |
        | Meals | 150 CNY a day | You |
        Trains are preferred for trips under five hours.
        """;

    private const string Onboarding = """
        # Your first week
        [ ] Get your laptop and accounts from IT
        [ ] Join the "Engineering" group
        [ ] Ship a small change to production
        # Setting up
        Clone the repository and run the tests:
        ```
        git clone https://git.example.com/larkway/larkway.git
        cd larkway && ./scripts/test.sh
        ```
        ## Code review
        - Every change is reviewed by one other engineer.
        - Keep changes small: under 400 lines is easy to review.
        ---
        Ask Bob Li for a walkthrough of the Emulator.
        """;

    private const string Security = """
        # Accounts
        Use single sign-on for every tool that offers it. Turn on two-factor authentication everywhere else.
        # Devices
        - Lock your screen when you leave your desk.
        - Encrypt your laptop's disk; IT checks it at onboarding.
        > Report a lost device to IT within one hour, day or night.
        # Data
        Customer data never leaves the production environment. Use the Emulator's sample tenant for tests and demos.
        """;

    private const string ProductFaq = """
        # What Larkway does
        Larkway connects a company's own systems to Feishu, WeCom and DingTalk: bots, notifications, approvals and an assistant.
        # Which plans are there
        | Plan | People | Support |
        |---|---|---|
        | Team | up to 50 | Email, next working day |
        | Business | up to 1,000 | Chat, within 4 hours |
        | Enterprise | no limit | A named engineer, within 1 hour |
        # Can we host it ourselves
        Yes. The Hub runs as one service on Linux or in a container, with SQLite or PostgreSQL.
        # How do we try it
        Start the sandbox: it brings its own Feishu, WeCom and DingTalk, so nothing needs a tenant.
        """;

    private const string SupportHours = """
        # Support hours
        Support answers from 09:00 to 21:00 China Standard Time, Monday to Saturday.
        # Escalation
        1. Write to support with the request id from the error.
        2. If nothing moves within 4 hours, ask for the duty engineer in the support group.
        3. An outage of production is escalated to the on-call lead at once, day or night.
        > Never send passwords or API keys to support: rotate them instead.
        """;

    private const string ReleaseNotes = """
        # Release notes 2026
        ## November
        - Customer service on WeCom: customers on WeChat answered by the assistant, handed to people.
        - Answers kept as Feishu documents with /doc.
        ## October
        - Approvals on DingTalk and WeCom.
        - The console's alert rules can be silenced for a time.
        """;

    private const string WritingGuide = """
        # How we write
        Write for the reader who has one minute. Lead with what they must do, then why.
        - Use short sentences and plain words.
        - Name things the way the product names them.
        - Say what to fix in every error message.
        # Tone
        Friendly and direct. No jokes in error messages.
        """;

    private const string SalaryBands = """
        # Salary bands 2025
        Confidential: People Ops and the finance bot only. Do not share this document.
        | Level | Title | Band (CNY per year) |
        |---|---|---|
        | L1 | Associate engineer | 180,000 – 260,000 |
        | L2 | Engineer | 250,000 – 380,000 |
        | L3 | Senior engineer | 360,000 – 520,000 |
        | L4 | Staff engineer | 500,000 – 720,000 |
        ## Review cycle
        Bands are reviewed every January against market data; changes apply from April.
        """;
}
