using Larkway.Feishu.Bitable;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Bitable;

/// <summary>
/// Every operator of the record filter (feishu-api.md §8.6), built with the typed filter and searched over the wire against
/// the Emulator, answers exactly the records it should; what Feishu would refuse is refused before anything is sent.
/// </summary>
public sealed class BitableSearchWireTests(BitableSearchWireTests.Fixture fx) : IClassFixture<BitableSearchWireTests.Fixture>
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "text is", ["A"] },
        { "text isNot", ["B", "C", "D", "E"] },
        { "text contains", ["A", "B"] },
        { "text doesNotContain", ["C", "D", "E"] },
        { "text isEmpty", [] },
        { "text isNotEmpty", ["A", "B", "C", "D", "E"] },
        { "note isEmpty", ["D", "E"] },
        { "number is", ["B"] },
        { "number isNot", ["A", "C", "D", "E"] },
        { "number isGreater", ["C", "D"] },
        { "number isGreaterEqual", ["B", "C", "D"] },
        { "number isLess", ["A"] },
        { "number isLessEqual", ["A", "B"] },
        { "number isEmpty", ["E"] },
        { "number isNotEmpty", ["A", "B", "C", "D"] },
        { "single is", ["A", "C"] },
        { "single isNot", ["B", "D", "E"] },
        { "single contains", ["A", "B", "C"] },
        { "single doesNotContain", ["D", "E"] },
        { "single isEmpty", ["E"] },
        { "multi is", ["B"] },
        { "multi contains", ["A", "B", "C"] },
        { "multi doesNotContain", ["D", "E"] },
        { "multi isNotEmpty", ["A", "B", "C"] },
        { "user is", ["A"] },
        { "user contains", ["B"] },
        { "user doesNotContain", ["C", "D", "E"] },
        { "user isEmpty", ["D", "E"] },
        { "date is exact (any time that day)", ["A", "B"] },
        { "date isGreater exact", ["C"] },
        { "date isLess exact", ["D", "E"] },
        { "date isEmpty", [] },
        { "date is today", ["D"] },
        { "date is yesterday", [] },
        { "date is the next month", ["D"] },
        { "checkbox is true", ["A", "D"] },
        { "checkbox is false", ["B", "C", "E"] },
        { "attachment isEmpty", ["A", "B", "C", "D", "E"] },
        { "phone contains", ["A", "B"] },
        { "url contains", ["C"] },
        { "link contains", ["A", "C"] },
        { "link isEmpty", ["B", "D", "E"] },
        { "created time is today", ["A", "B", "C", "D", "E"] },
        { "and", ["C"] },
        { "or", ["A", "E"] },
        { "or of children", ["A", "D"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_operator_finds_exactly_its_records(string name, string[] expected)
    {
        var filter = FilterFor(name);

        var titles = await fx.Client.Bitable.Records.SearchAsync(fx.App, fx.TableId, new BitableSearch { Filter = filter, FieldNames = ["Title"] })
            .Select(r => r.Fields.Get<BitableValue.Text>("Title")!.PlainText).ToListAsync();

        Assert.Equal(expected, titles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_filter_Feishu_would_refuse_is_refused_before_anything_is_sent()
    {
        var searches = fx.Server.CallCounts.GetValueOrDefault("POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/search");

        var tooMany = Assert.Throws<ArgumentException>(() => BitableWhere.MultiSelect("Tags").Contains([.. Enumerable.Range(0, 11).Select(i => $"t{i}")]));
        var formula = Assert.Throws<ArgumentException>(() => BitableCondition.Create("Total", BitableFieldType.Formula, "is", "1"));
        var like = Assert.Throws<ArgumentException>(() => BitableCondition.Create("Title", BitableFieldType.Text, "like", "A"));
        var deep = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await fx.Client.Bitable.Records.SearchAsync(fx.App, fx.TableId, new BitableSearch
        {
            Filter = BitableFilter.And(BitableFilter.Or(BitableFilter.And(BitableWhere.Text("Title").Is("A")))),
        }).ToListAsync());

        Assert.Contains("10", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("Total", formula.Message, StringComparison.Ordinal);
        Assert.Contains("like", like.Message, StringComparison.Ordinal);
        Assert.NotEmpty(deep.Message);
        Assert.Equal(searches, fx.Server.CallCounts.GetValueOrDefault("POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/search"));
    }

    private BitableFilter FilterFor(string name)
    {
        // Exact dates are rounded to the day in the base's time zone: any instant of day 0 finds A (09:00) and B (23:00).
        var dueDay = fx.Day0.AddHours(15);
        return name switch
        {
            "text is" => BitableFilter.And(BitableWhere.Text("Title").Is("A")),
            "text isNot" => BitableFilter.And(BitableWhere.Text("Title").IsNot("A")),
            "text contains" => BitableFilter.And(BitableWhere.Text("Note").Contains("urgent")),
            "text doesNotContain" => BitableFilter.And(BitableWhere.Text("Note").DoesNotContain("urgent")),
            "text isEmpty" => BitableFilter.And(BitableWhere.Text("Title").IsEmpty()),
            "text isNotEmpty" => BitableFilter.And(BitableWhere.Text("Title").IsNotEmpty()),
            "note isEmpty" => BitableFilter.And(BitableWhere.Text("Note").IsEmpty()),
            "number is" => BitableFilter.And(BitableWhere.Number("Amount").Is(20)),
            "number isNot" => BitableFilter.And(BitableWhere.Number("Amount").IsNot(20)),
            "number isGreater" => BitableFilter.And(BitableWhere.Number("Amount").IsGreater(20)),
            "number isGreaterEqual" => BitableFilter.And(BitableWhere.Number("Amount").IsGreaterEqual(20)),
            "number isLess" => BitableFilter.And(BitableWhere.Number("Amount").IsLess(20)),
            "number isLessEqual" => BitableFilter.And(BitableWhere.Number("Amount").IsLessEqual(20)),
            "number isEmpty" => BitableFilter.And(BitableWhere.Number("Amount").IsEmpty()),
            "number isNotEmpty" => BitableFilter.And(BitableWhere.Number("Amount").IsNotEmpty()),
            "single is" => BitableFilter.And(BitableWhere.SingleSelect("Status").Is("Open")),
            "single isNot" => BitableFilter.And(BitableWhere.SingleSelect("Status").IsNot("Open")),
            "single contains" => BitableFilter.And(BitableWhere.SingleSelect("Status").Contains("Open", "Paid")),
            "single doesNotContain" => BitableFilter.And(BitableWhere.SingleSelect("Status").DoesNotContain("Open", "Paid")),
            "single isEmpty" => BitableFilter.And(BitableWhere.SingleSelect("Status").IsEmpty()),
            "multi is" => BitableFilter.And(BitableWhere.MultiSelect("Tags").Is("green")),
            "multi contains" => BitableFilter.And(BitableWhere.MultiSelect("Tags").Contains("red", "green")),
            "multi doesNotContain" => BitableFilter.And(BitableWhere.MultiSelect("Tags").DoesNotContain("red", "green")),
            "multi isNotEmpty" => BitableFilter.And(BitableWhere.MultiSelect("Tags").IsNotEmpty()),
            "user is" => BitableFilter.And(BitableWhere.User("Owner").Is(fx.Alice.OpenId)),
            "user contains" => BitableFilter.And(BitableWhere.User("Owner").Contains(fx.Bob.OpenId)),
            "user doesNotContain" => BitableFilter.And(BitableWhere.User("Owner").DoesNotContain(fx.Alice.OpenId, fx.Bob.OpenId)),
            "user isEmpty" => BitableFilter.And(BitableWhere.User("Owner").IsEmpty()),
            "date is exact (any time that day)" => BitableFilter.And(BitableWhere.Date("Due").Is(BitableDateValue.Exact(dueDay))),
            "date isGreater exact" => BitableFilter.And(BitableWhere.Date("Due").IsGreater(BitableDateValue.Exact(dueDay))),
            "date isLess exact" => BitableFilter.And(BitableWhere.Date("Due").IsLess(BitableDateValue.Exact(dueDay))),
            "date isEmpty" => BitableFilter.And(BitableWhere.Date("Due").IsEmpty()),
            "date is today" => BitableFilter.And(BitableWhere.Date("Due").Is(BitableDateValue.Today)),
            "date is yesterday" => BitableFilter.And(BitableWhere.Date("Due").Is(BitableDateValue.Yesterday)),
            "date is the next month" => BitableFilter.And(BitableWhere.Date("Due").Is(BitableDateValue.TheNextMonth)),
            "checkbox is true" => BitableFilter.And(BitableWhere.Checkbox("Urgent").Is(true)),
            "checkbox is false" => BitableFilter.And(BitableWhere.Checkbox("Urgent").Is(false)),
            "attachment isEmpty" => BitableFilter.And(BitableWhere.Attachment("Files").IsEmpty()),
            "phone contains" => BitableFilter.And(BitableWhere.Phone("Phone").Contains("138")),
            "url contains" => BitableFilter.And(BitableWhere.Url("Site").Contains("Portal")),
            "link contains" => BitableFilter.And(BitableWhere.SingleLink("Customer").Contains(fx.AcmeId)),
            "link isEmpty" => BitableFilter.And(BitableWhere.SingleLink("Customer").IsEmpty()),
            "created time is today" => BitableFilter.And(BitableWhere.CreatedTime("Created").Is(BitableDateValue.Today)),
            "and" => BitableFilter.And(BitableWhere.SingleSelect("Status").Is("Open"), BitableWhere.Number("Amount").IsGreater(20)),
            "or" => BitableFilter.Or(BitableWhere.Text("Title").Is("A"), BitableWhere.Number("Amount").IsEmpty()),
            "or of children" => BitableFilter.Or(
                BitableFilter.And(BitableWhere.Checkbox("Urgent").Is(true), BitableWhere.Number("Amount").IsLess(20)),
                BitableFilter.And(BitableWhere.Checkbox("Urgent").Is(true), BitableWhere.Date("Due").Is(BitableDateValue.Today))),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
        };
    }

    /// <summary>One base with five records, A–E, whose cells the cases above are written against.</summary>
    public sealed class Fixture : ClientFixture
    {
        public string App { get; private set; } = "";

        public string TableId { get; private set; } = "";

        public string AcmeId { get; private set; } = "";

        /// <summary>Midnight in Shanghai, 40 days from now: clear of today and of the next month's range.</summary>
        public DateTimeOffset Day0 { get; private set; }

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var bitable = Client.Bitable;
            App = (await bitable.Apps.CreateAsync(new BitableAppCreate { Name = "Search", TimeZone = "Asia/Shanghai" })).AppToken;
            var customers = await bitable.Tables.CreateAsync(App, new BitableTableCreate("Customers") { Fields = [BitableFieldDefinition.Text("Name")] });
            AcmeId = (await bitable.Records.CreateAsync(App, customers.TableId, new BitableRecordFields { ["Name"] = new BitableValue.Text("Acme") })).RecordId;
            TableId = (await bitable.Tables.CreateAsync(App, new BitableTableCreate("Orders")
            {
                Fields =
                [
                    BitableFieldDefinition.Text("Title"),
                    BitableFieldDefinition.Text("Note"),
                    BitableFieldDefinition.Number("Amount"),
                    BitableFieldDefinition.SingleSelect("Status", "Open", "Paid", "Lost"),
                    BitableFieldDefinition.MultiSelect("Tags", "red", "green", "blue"),
                    BitableFieldDefinition.User("Owner"),
                    BitableFieldDefinition.DateTime("Due"),
                    BitableFieldDefinition.Checkbox("Urgent"),
                    BitableFieldDefinition.Attachment("Files"),
                    BitableFieldDefinition.Phone("Phone"),
                    BitableFieldDefinition.Url("Site"),
                    BitableFieldDefinition.SingleLink("Customer", customers.TableId),
                    BitableFieldDefinition.CreatedTime("Created"),
                ],
            })).TableId;

            var shanghai = TimeSpan.FromHours(8);
            var today = DateTimeOffset.UtcNow.ToOffset(shanghai);
            Day0 = new DateTimeOffset(today.Date, shanghai).AddDays(40);
            await bitable.Records.BatchCreateAsync(App, TableId,
            [
                new BitableRecordFields
                {
                    ["Title"] = new BitableValue.Text("A"), ["Note"] = new BitableValue.Text("urgent: call back"), ["Amount"] = new BitableValue.Number(10),
                    ["Status"] = new BitableValue.SingleSelect("Open"), ["Tags"] = new BitableValue.MultiSelect("red"), ["Owner"] = new BitableValue.Persons(Alice.OpenId),
                    ["Due"] = new BitableValue.Date(Day0.AddHours(9)), ["Urgent"] = new BitableValue.Checkbox(true),
                    ["Phone"] = new BitableValue.Phone("+8613800000001"), ["Customer"] = new BitableValue.Links(AcmeId),
                },
                new BitableRecordFields
                {
                    ["Title"] = new BitableValue.Text("B"), ["Note"] = new BitableValue.Text("not urgent"), ["Amount"] = new BitableValue.Number(20),
                    ["Status"] = new BitableValue.SingleSelect("Paid"), ["Tags"] = new BitableValue.MultiSelect("green"), ["Owner"] = new BitableValue.Persons(Bob.OpenId, Carol.OpenId),
                    ["Due"] = new BitableValue.Date(Day0.AddHours(23)), ["Urgent"] = new BitableValue.Checkbox(false),
                    ["Phone"] = new BitableValue.Phone("13800000002"),
                },
                new BitableRecordFields
                {
                    ["Title"] = new BitableValue.Text("C"), ["Note"] = new BitableValue.Text("Ships Friday"), ["Amount"] = new BitableValue.Number(30.5m),
                    ["Status"] = new BitableValue.SingleSelect("Open"), ["Tags"] = new BitableValue.MultiSelect("red", "blue"), ["Owner"] = new BitableValue.Persons(Carol.OpenId),
                    ["Due"] = new BitableValue.Date(Day0.AddDays(1)),
                    ["Site"] = new BitableValue.Url("Portal", "https://erp.example.com"), ["Customer"] = new BitableValue.Links(AcmeId),
                },
                new BitableRecordFields
                {
                    ["Title"] = new BitableValue.Text("D"), ["Amount"] = new BitableValue.Number(40),
                    ["Status"] = new BitableValue.SingleSelect("Lost"), ["Due"] = new BitableValue.Date(today), ["Urgent"] = new BitableValue.Checkbox(true),
                },
                new BitableRecordFields
                {
                    ["Title"] = new BitableValue.Text("E"), ["Due"] = new BitableValue.Date(Day0.AddMinutes(-1)),
                },
            ]);
        }
    }
}
