using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory;

/// <summary>
/// Directory's tables on the Hub's context, as <c>db.People</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class DirectoryData
{
    extension(HubDbContext db)
    {
        /// <summary>The directory's people, by the Hub's own id.</summary>
        public DbSet<PersonRow> People => db.Set<PersonRow>();

        /// <summary>Each person's open_id under each app.</summary>
        public DbSet<PersonAppIdRow> PersonAppIds => db.Set<PersonAppIdRow>();

        /// <summary>People's DingTalk and WeCom accounts.</summary>
        public DbSet<PersonLinkRow> PersonLinks => db.Set<PersonLinkRow>();

        /// <summary>The directory's departments.</summary>
        public DbSet<DepartmentRow> Departments => db.Set<DepartmentRow>();

        /// <summary>Who is in which department.</summary>
        public DbSet<MembershipRow> Memberships => db.Set<MembershipRow>();

        /// <summary>The directory's history.</summary>
        public DbSet<DirectoryChangeRow> DirectoryChanges => db.Set<DirectoryChangeRow>();

        /// <summary>Directory sync runs.</summary>
        public DbSet<DirectorySyncRunRow> DirectorySyncRuns => db.Set<DirectorySyncRunRow>();

        /// <summary>What directory syncs found the app cannot see.</summary>
        public DbSet<DirectorySyncProblemRow> DirectorySyncProblems => db.Set<DirectorySyncProblemRow>();

        /// <summary>One-time codes for linking a platform account to oneself.</summary>
        public DbSet<PersonLinkCodeRow> PersonLinkCodes => db.Set<PersonLinkCodeRow>();

        /// <summary>Accounts whose person is held for an administrator.</summary>
        public DbSet<PersonLinkConflictRow> PersonLinkConflicts => db.Set<PersonLinkConflictRow>();
    }
}
