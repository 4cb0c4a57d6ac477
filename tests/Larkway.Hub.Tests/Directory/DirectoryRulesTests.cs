using Larkway.Hub.Directory;

namespace Larkway.Hub.Tests.Directory;

/// <summary>The rules every directory write follows: per-field times make duplicates, late and split events harmless.</summary>
public sealed class DirectoryRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_mobile_change_and_an_email_change_arriving_in_either_order_both_apply()
    {
        // Feishu sends each change as its own updated event; each carries the user as it was right after its change.
        var mobileEvent = Alice() with { Mobile = "+8613800000002", Email = "alice@old.example" };
        var emailEvent = Alice() with { Mobile = "+8613800000002", Email = "alice@new.example" };
        foreach (var inOrder in new[] { true, false })
        {
            var person = new PersonRow { Status = PersonStatus.Active };
            DirectoryRules.Apply(person, Alice(), T0);
            if (inOrder)
            {
                DirectoryRules.Apply(person, mobileEvent, T0.AddSeconds(1));
                DirectoryRules.Apply(person, emailEvent, T0.AddSeconds(2));
            }
            else
            {
                DirectoryRules.Apply(person, emailEvent, T0.AddSeconds(2));
                DirectoryRules.Apply(person, mobileEvent, T0.AddSeconds(1));
            }

            person.Mobile.ShouldBe("+8613800000002");
            person.Email.ShouldBe("alice@new.example");
        }
    }

    [Fact]
    public void Two_changes_in_the_same_millisecond_both_apply_in_either_order_and_a_read_of_that_instant_does_not_undo_them()
    {
        // create_time is in milliseconds: two quick edits can share it. Each event names what it changed.
        var mobileEvent = Alice() with { Mobile = "+8613800000002", Email = "alice@old.example", Changed = new HashSet<string> { "mobile" } };
        var emailEvent = Alice() with { Mobile = "+8613800000002", Email = "alice@new.example", Changed = new HashSet<string> { "email" } };
        var at = T0.AddSeconds(1);
        foreach (var (first, second) in new[] { (mobileEvent, emailEvent), (emailEvent, mobileEvent) })
        {
            var person = new PersonRow { Status = PersonStatus.Active };
            DirectoryRules.Apply(person, Alice() with { Email = "alice@old.example" }, T0);
            DirectoryRules.Apply(person, first, at);
            DirectoryRules.Apply(person, second, at);
            DirectoryRules.Apply(person, Alice() with { Email = "alice@old.example" }, at).ShouldBeEmpty();

            person.Mobile.ShouldBe("+8613800000002");
            person.Email.ShouldBe("alice@new.example");
        }
    }

    [Fact]
    public void Only_the_fields_an_event_carried_change_even_when_events_split_a_change()
    {
        var person = new PersonRow { Status = PersonStatus.Active };
        DirectoryRules.Apply(person, Alice(), T0);

        // An event that carries only the mobile (no email field scope on that path) leaves the email alone.
        var changes = DirectoryRules.Apply(person, new DirectoryUser("ou_alice") { Mobile = "+8613800000009" }, T0.AddSeconds(1));

        changes.Keys.ShouldBe(["mobile"]);
        person.Email.ShouldBe("alice@example.com");
    }

    [Fact]
    public void An_older_event_does_not_overwrite_a_newer_state_and_a_duplicate_changes_nothing()
    {
        var person = new PersonRow { Status = PersonStatus.Active };
        DirectoryRules.Apply(person, Alice(), T0);
        DirectoryRules.Apply(person, Alice() with { Name = "Alice W." }, T0.AddMinutes(5)).Keys.ShouldBe(["name"]);

        DirectoryRules.Apply(person, Alice() with { Name = "Alice V." }, T0.AddMinutes(1)).ShouldBeEmpty();
        DirectoryRules.Apply(person, Alice() with { Name = "Alice W." }, T0.AddMinutes(5)).ShouldBeEmpty();
        person.Name.ShouldBe("Alice W.");
    }

    [Fact]
    public void A_resignation_deactivates_and_a_later_rehire_reactivates_but_a_late_resignation_does_not_undo_it()
    {
        var person = new PersonRow { Status = PersonStatus.Active };
        DirectoryRules.Apply(person, Alice(), T0);

        var resigned = DirectoryRules.Apply(person, new DirectoryUser("ou_alice") { Status = PersonStatus.Resigned }, T0.AddDays(1));
        DirectoryRules.KindOf(created: false, resigned).ShouldBe(DirectoryChangeKind.Deactivated);

        var rehired = DirectoryRules.Apply(person, Alice() with { Status = PersonStatus.Active }, T0.AddDays(30));
        DirectoryRules.KindOf(created: false, rehired).ShouldBe(DirectoryChangeKind.Reactivated);

        DirectoryRules.Apply(person, new DirectoryUser("ou_alice") { Status = PersonStatus.Resigned }, T0.AddDays(1)).ShouldBeEmpty();
        person.Status.ShouldBe(PersonStatus.Active);
    }

    [Fact]
    public void Frozen_is_a_deactivation_and_unfreezing_a_reactivation()
    {
        var person = new PersonRow { Status = PersonStatus.Active };
        DirectoryRules.Apply(person, Alice(), T0);
        DirectoryRules.KindOf(false, DirectoryRules.Apply(person, Alice() with { Status = PersonStatus.Frozen }, T0.AddHours(1))).ShouldBe(DirectoryChangeKind.Deactivated);
        DirectoryRules.KindOf(false, DirectoryRules.Apply(person, Alice() with { Status = PersonStatus.Active }, T0.AddHours(2))).ShouldBe(DirectoryChangeKind.Reactivated);
    }

    [Fact]
    public void A_cleared_field_is_cleared_and_an_absent_one_kept()
    {
        var person = new PersonRow { Status = PersonStatus.Active };
        DirectoryRules.Apply(person, Alice(), T0);

        DirectoryRules.Apply(person, new DirectoryUser("ou_alice") { EmployeeNo = "", Email = null }, T0.AddSeconds(1));

        person.EmployeeNo.ShouldBeNull();
        person.Email.ShouldBe("alice@example.com");
    }

    [Fact]
    public void Emails_are_kept_lower_case_and_mobile_numbers_are_masked_in_the_history()
    {
        var person = new PersonRow { Status = PersonStatus.Active };
        var changes = DirectoryRules.Apply(person, Alice() with { Email = " Alice@Example.COM " }, T0);

        person.Email.ShouldBe("alice@example.com");
        person.Mobile.ShouldBe("+8613800000001");
        changes["mobile"].New.ShouldBe("+86*******0001");
        DirectoryRules.ToJson(changes).ShouldNotContain("13800000001");
    }

    [Fact]
    public void A_change_shows_both_sides_with_a_null_in_the_webhook_and_the_history_reads_both_stored_forms()
    {
        // The Hub leaves null fields out, but a change's null says something: first set (old) or cleared (new).
        var stored = DirectoryRules.ToJson(new Dictionary<string, FieldChange>(StringComparer.Ordinal)
        {
            ["name"] = new(null, "Platform"),
            ["departments"] = new("od-sales", null),
        });
        var change = new DirectoryChangeRow { Id = 7, PersonId = "per_x", Kind = DirectoryChangeKind.Updated, Fields = stored, At = T0 };

        using var body = System.Text.Json.JsonDocument.Parse(DirectoryWebhooks.Payload(change, "", null, null));
        var changes = body.RootElement.GetProperty("changes");
        changes.GetProperty("name").GetProperty("old").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        changes.GetProperty("departments").GetProperty("new").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        body.RootElement.TryGetProperty("person", out _).ShouldBeFalse("a null field other than a change's side is left out");

        // Rows stored with or without the nulls read the same.
        stored.ShouldContain("\"old\":null");
        foreach (var json in new[] { stored, """{"name":{"new":"Platform"},"departments":{"old":"od-sales"}}""" })
        {
            var read = DirectoryRules.FromJson(json);
            read["name"].ShouldBe(new FieldChange(null, "Platform"));
            read["departments"].ShouldBe(new FieldChange("od-sales", null));
        }
    }

    [Fact]
    public void Stale_departments_are_not_applied()
    {
        var person = new PersonRow();
        DirectoryRules.DepartmentsToApply(person, ["od-b"], T0.AddMinutes(2), changed: null).ShouldBe(new HashSet<string> { "od-b" });
        DirectoryRules.DepartmentsToApply(person, ["od-a"], T0.AddMinutes(1), changed: null).ShouldBeNull();
        DirectoryRules.DepartmentsToApply(person, null, T0.AddMinutes(3), changed: null).ShouldBeNull();
    }

    [Theory]
    [InlineData("+8613800001234", "+86*******1234")]
    [InlineData("13800001234", "*******1234")]
    [InlineData("12345", "*****")]
    [InlineData("", "")]
    public void Mobile_numbers_keep_only_the_country_code_and_the_last_four_digits(string mobile, string masked) =>
        MobileMask.Mask(mobile).ShouldBe(masked);

    private static DirectoryUser Alice() => new("ou_alice")
    {
        UnionId = "on_alice",
        UserId = "u_alice",
        Name = "Alice",
        Email = "alice@example.com",
        Mobile = "+8613800000001",
        EmployeeNo = "E001",
        Status = PersonStatus.Active,
    };
}
