using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// One platform's contact changes, made in the Emulator through that platform's own control calls (each sent to the Hub
/// as the platform's contact event): a department created under the root, a person added to it, renamed and removed, then
/// the department renamed and removed. <see cref="RunAsync"/> drives them in that order and waits for each in the directory.
/// </summary>
internal sealed record DirectoryContactSteps(
    string DepartmentId,
    Func<Task> CreateDepartment,
    Func<Task> AddPerson,
    Func<Task> RenamePerson,
    Func<Task> RemovePerson,
    Func<Task> RenameDepartment,
    Func<Task> RemoveDepartment)
{
    /// <summary>The department's name when created, then renamed.</summary>
    public const string DepartmentName = "Support";

    /// <summary>The department's new name.</summary>
    public const string DepartmentRenamed = "Customer Support";

    /// <summary>The person's email (which the rename must leave alone), name and new name.</summary>
    public const string Email = "erin@example.com";

    public const string Name = "Erin Wu";

    public const string Renamed = "Erin Zhao";

    public const string Mobile = "13700000005";

    /// <summary>
    /// Runs the steps, waiting after each for the directory to show it; then waits for the six directory webhooks (the
    /// department created, updated and deleted; the person created, updated and deactivated) and checks each came once.
    /// </summary>
    public async Task RunAsync(HttpClient admin, WebhookReceiver receiver, string path)
    {
        await CreateDepartment();
        await WaitAsync(() => Department(admin) is { } d && d.GetProperty("name").GetString() == DepartmentName, "the department created");

        await AddPerson();
        await WaitAsync(() => Person(admin) is { } p && p.GetProperty("name").GetString() == Name, "the person added");
        var person = Person(admin)!.Value;
        person.GetProperty("status").GetString().ShouldBe("active");
        person.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ShouldBe([DepartmentId]);
        var personId = person.GetProperty("id").GetString()!;

        await RenamePerson();
        await WaitAsync(() => Person(admin) is { } p && p.GetProperty("name").GetString() == Renamed, "the person renamed");

        // A rename names only the name: the email (found by) and mobile stay, and so do the departments.
        var renamed = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/directory/people/{personId}?include_mobile=true");
        renamed.GetProperty("mobile").GetString()!.ShouldEndWith(Mobile);
        renamed.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ShouldBe([DepartmentId]);

        await RemovePerson();
        await WaitAsync(() => Person(admin) is { } p && p.GetProperty("status").GetString() == "resigned", "the person removed");

        await RenameDepartment();
        await WaitAsync(() => Department(admin) is { } d && d.GetProperty("name").GetString() == DepartmentRenamed, "the department renamed");

        await RemoveDepartment();
        await WaitAsync(() => Department(admin) is null, "the department removed");

        string?[] personTypes = ["directory.person.created", "directory.person.updated", "directory.person.deactivated"];
        string?[] departmentTypes = ["directory.department.created", "directory.department.updated", "directory.department.deleted"];
        List<string?> ForPerson() => [.. receiver.At(path).Select(Body).Where(b => b.TryGetProperty("person", out var p) && p.ValueKind == JsonValueKind.Object && p.GetProperty("id").GetString() == personId).Select(b => b.GetProperty("type").GetString())];
        List<string?> ForDepartment() => [.. receiver.At(path).Select(Body).Where(b => b.TryGetProperty("department", out var d) && d.ValueKind == JsonValueKind.Object && d.GetProperty("id").GetString() == DepartmentId).Select(b => b.GetProperty("type").GetString())];
        await HubSandbox.WaitUntilAsync(() => personTypes.All(ForPerson().Contains) && departmentTypes.All(ForDepartment().Contains), "the person's and the department's webhooks", seconds: 60);
        // Each once; the outbox may deliver them in any order.
        ForPerson().Order(StringComparer.Ordinal).ShouldBe(personTypes.Order(StringComparer.Ordinal));
        ForDepartment().Order(StringComparer.Ordinal).ShouldBe(departmentTypes.Order(StringComparer.Ordinal));
        receiver.At(path).Select(r => Body(r).GetProperty("id").GetString()).ShouldBeUnique();
    }

    private JsonElement? Department(HttpClient admin) =>
        ListAsync(admin, "/api/v1/directory/departments?limit=100").GetAwaiter().GetResult().Where(d => d.GetProperty("id").GetString() == DepartmentId).Select(d => (JsonElement?)d).FirstOrDefault();

    private static JsonElement? Person(HttpClient admin) =>
        ListAsync(admin, "/api/v1/directory/people?email=" + Uri.EscapeDataString(Email)).GetAwaiter().GetResult().Select(p => (JsonElement?)p).FirstOrDefault();

    private static JsonElement Body(ReceivedWebhook webhook) => JsonDocument.Parse(webhook.Body).RootElement.Clone();

    private static Task WaitAsync(Func<bool> condition, string what) => HubSandbox.WaitUntilAsync(condition, what, seconds: 60);
}
