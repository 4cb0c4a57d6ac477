namespace Larkway.Emulator.Seed;

/// <summary>
/// The tenant used when no seed file is given: two departments, four people with example.com
/// emails and +86 138 0000 000N mobiles, two group chats with the app's bot, and one custom bot webhook ("dev-hook").
/// </summary>
public static class DefaultSeed
{
    public const string GeneralChatName = "Larkway Dev";
    public const string EngineeringChatName = "Engineering";
    public const string WebhookToken = "dev-hook";

    public static SeedDocument Create() => new()
    {
        Tenant = new SeedTenant { Name = "Larkway Dev" },
        Departments =
        [
            new SeedDepartment { Name = "Engineering", DepartmentId = "eng" },
            new SeedDepartment { Name = "Sales", DepartmentId = "sales" },
        ],
        Users =
        [
            new SeedUser { Name = "Alice Chen", Email = "alice@example.com", Mobile = "+8613800000001", Departments = ["eng"] },
            new SeedUser { Name = "Bob Li", Email = "bob@example.com", Mobile = "+8613800000002", Departments = ["eng"] },
            new SeedUser { Name = "Carol Wang", Email = "carol@example.com", Mobile = "+8613800000003", Departments = ["sales"] },
            new SeedUser { Name = "Dave Zhang", Email = "dave@example.com", Mobile = "+8613800000004", Departments = ["sales"] },
        ],
        Chats =
        [
            new SeedChat
            {
                Name = GeneralChatName,
                Description = "Everyone, with the bot",
                Owner = "alice@example.com",
                Members = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"],
            },
            new SeedChat { Name = EngineeringChatName, Description = "Engineering team", Members = ["alice@example.com", "bob@example.com"] },
        ],
        Webhooks = [new SeedWebhook { Token = WebhookToken, Chat = GeneralChatName, Name = "Dev Hook" }],
    };
}
