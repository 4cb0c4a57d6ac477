using Larkway.Hub.BitableSync;

namespace Larkway.Hub.Tests.BitableSync;

/// <summary>
/// Which side changed since the last sync, by the one hash both sides had then, and who wins when both did: the rules
/// behind echo suppression, the conflict policies and the delete switch.
/// </summary>
public sealed class SyncDeciderTests
{
    private static readonly string?[] Synced = ["PO-1", "10", "Open"];
    private static readonly string?[] DbEdited = ["PO-1", "20", "Open"];
    private static readonly string?[] BitableEdited = ["PO-1", "10", "Paid"];
    private static readonly MapEntry Mapped = new("PO-1", "rec1", SyncValues.Hash(Synced), 1000);

    [Fact]
    public void A_row_both_sides_still_hold_as_synced_is_left_alone_which_is_what_stops_echoes() =>
        Decide(Mapped, Synced, Synced).ShouldBe(RowAction.None);

    [Fact]
    public void A_side_that_changed_is_written_to_the_other()
    {
        Decide(Mapped, DbEdited, Synced).ShouldBe(RowAction.UpdateRecord);
        Decide(Mapped, Synced, BitableEdited).ShouldBe(RowAction.UpsertRow);
    }

    [Fact]
    public void Both_sides_changed_to_the_same_values_is_no_conflict_only_a_new_mapping() =>
        Decide(Mapped, DbEdited, DbEdited).ShouldBe(RowAction.MapOnly);

    [Theory]
    [InlineData(ConflictPolicy.DatabaseWins, 0, 0, "UpdateRecord")]
    [InlineData(ConflictPolicy.BitableWins, 0, 0, "UpsertRow")]
    [InlineData(ConflictPolicy.HoldForReview, 0, 0, "Hold")]
    [InlineData(ConflictPolicy.LatestWins, 2000, 3000, "UpsertRow")]
    [InlineData(ConflictPolicy.LatestWins, 3000, 2000, "UpdateRecord")]
    [InlineData(ConflictPolicy.LatestWins, 3000, 3000, "UpdateRecord")]
    public void A_row_changed_on_both_sides_follows_the_policy(ConflictPolicy policy, long databaseChangedMs, long recordModifiedMs, string expected) =>
        SyncDecider.Decide(SyncDirection.Both, policy, false, Mapped, DbEdited, BitableEdited, databaseChangedMs, recordModifiedMs).ToString().ShouldBe(expected);

    [Fact]
    public void The_operators_pick_settles_a_held_conflict()
    {
        SyncDecider.Decide(SyncDirection.Both, ConflictPolicy.HoldForReview, false, Mapped, DbEdited, BitableEdited, 0, 0, picked: "bitable").ShouldBe(RowAction.UpsertRow);
        SyncDecider.Decide(SyncDirection.Both, ConflictPolicy.HoldForReview, false, Mapped, DbEdited, BitableEdited, 0, 0, picked: "database").ShouldBe(RowAction.UpdateRecord);
    }

    [Fact]
    public void A_one_way_sync_mirrors_its_source_and_puts_back_an_edit_on_the_other_side()
    {
        SyncDecider.Decide(SyncDirection.ToBitable, ConflictPolicy.HoldForReview, false, Mapped, Synced, BitableEdited, 0, 0).ShouldBe(RowAction.UpdateRecord);
        SyncDecider.Decide(SyncDirection.ToDatabase, ConflictPolicy.HoldForReview, false, Mapped, DbEdited, Synced, 0, 0).ShouldBe(RowAction.UpsertRow);
        SyncDecider.Decide(SyncDirection.ToBitable, ConflictPolicy.HoldForReview, false, null, null, BitableEdited, 0, 0).ShouldBe(RowAction.None);
    }

    [Fact]
    public void Deletes_are_tombstoned_until_turned_on_and_a_tombstoned_row_is_never_brought_back()
    {
        Decide(Mapped, null, Synced).ShouldBe(RowAction.Tombstone);
        Decide(Mapped, Synced, null).ShouldBe(RowAction.Tombstone);
        SyncDecider.Decide(SyncDirection.Both, ConflictPolicy.HoldForReview, true, Mapped, null, Synced, 0, 0).ShouldBe(RowAction.DeleteRecord);
        SyncDecider.Decide(SyncDirection.Both, ConflictPolicy.HoldForReview, true, Mapped, Synced, null, 0, 0).ShouldBe(RowAction.DeleteRow);

        var tombstone = Mapped with { Hash = SyncDecider.Tombstone };
        Decide(tombstone, null, BitableEdited).ShouldBe(RowAction.None);
    }

    [Fact]
    public void Rows_never_linked_are_created_inserted_or_linked_when_both_hold_the_same()
    {
        Decide(null, Synced, null).ShouldBe(RowAction.CreateRecord);
        Decide(null, null, Synced).ShouldBe(RowAction.UpsertRow);
        Decide(null, Synced, Synced).ShouldBe(RowAction.MapOnly);
        Decide(null, DbEdited, BitableEdited).ShouldBe(RowAction.Hold);
    }

    private static RowAction Decide(MapEntry? mapped, string?[]? database, string?[]? bitable) =>
        SyncDecider.Decide(SyncDirection.Both, ConflictPolicy.HoldForReview, false, mapped, database, bitable, 0, 0);
}
