#!/usr/bin/env bash
# Adds an EF Core migration of the Hub's model to each provider's migrations project:
#   scripts/hub-migrations.sh NameOfMigration [all|sqlite|postgres]     (default: all)
# SQLite's go to src/Larkway.Hub.Migrations.Sqlite/Migrations (context HubDbContext), PostgreSQL's to
# src/Larkway.Hub.Migrations.Postgres/Migrations (context PostgresHubDbContext, a derived type that only exists so EF Core
# keeps the two sets apart). Neither needs a database: the design-time factory of each migrations project builds
# the model offline. Once a release has shipped, never edit or remove a shipped migration (docs/deploy.md, "Upgrading").
#
# Microsoft.EntityFrameworkCore.Design cannot be restored from the project's NuGet source (two of its
# dependencies, Mono.TextTemplating and Microsoft.VisualStudio.SolutionPersistence, are missing there, and
# migrations do not use them). So the Hub does not reference it; this script builds a throwaway startup
# project outside the repo that references the Hub, both migrations projects and the Design assembly from the local NuGet cache,
# and runs the pinned dotnet-ef (.config/dotnet-tools.json) against it.
set -euo pipefail
name="${1:?usage: $0 MigrationName [all|sqlite|postgres]}"
which="${2:-all}"
case "$which" in all|sqlite|postgres) ;; *) echo "unknown provider set: $which (all, sqlite or postgres)" >&2; exit 2 ;; esac
repo="$(cd "$(dirname "$0")/.." && pwd)"
version=10.0.15
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
design="$cache/microsoft.entityframeworkcore.design/$version/lib/net10.0/Microsoft.EntityFrameworkCore.Design.dll"
if [ ! -f "$design" ]; then
  # Downloads the package into the cache (its own restore fails on the missing dependencies, which is fine).
  tmp="$(mktemp -d)"; (cd "$tmp" && dotnet new classlib -o p >/dev/null && cd p \
    && dotnet add package Microsoft.EntityFrameworkCore.Design --version "$version" >/dev/null 2>&1 || true); rm -rf "$tmp"
fi
[ -f "$design" ] || { echo "Microsoft.EntityFrameworkCore.Design $version is not in $cache" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/HubEf.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Exe</OutputType>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <NoWarn>\$(NoWarn);NU1603;NU1608</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/Larkway.Hub/Larkway.Hub.csproj" />
    <ProjectReference Include="$repo/src/Larkway.Hub.Migrations.Sqlite/Larkway.Hub.Migrations.Sqlite.csproj" />
    <ProjectReference Include="$repo/src/Larkway.Hub.Migrations.Postgres/Larkway.Hub.Migrations.Postgres.csproj" />
    <!-- dotnet-ef finds design-time factories in the startup project (or the context's own assembly), not in the migrations project. -->
    <Compile Include="$repo/src/Larkway.Hub.Migrations.Sqlite/SqliteDesignTimeDbContextFactory.cs" />
    <Compile Include="$repo/src/Larkway.Hub.Migrations.Postgres/PostgresDesignTimeDbContextFactory.cs" />
    <Reference Include="Microsoft.EntityFrameworkCore.Design" HintPath="$design" />
    <PackageReference Include="Humanizer.Core" Version="2.14.1" />
    <PackageReference Include="Microsoft.CodeAnalysis.CSharp.Workspaces" Version="5.12.0" />
  </ItemGroup>
</Project>
XML
echo 'return 0;' > "$work/Program.cs"
cd "$repo"
dotnet tool restore >/dev/null
dotnet restore "$work/HubEf.csproj"
# EF Core's default folder, Migrations; the namespace follows it (Larkway.Hub.Migrations.Sqlite.Migrations, …).
add() {
  dotnet ef migrations add "$name" \
    --project "src/$2" \
    --startup-project "$work/HubEf.csproj" \
    --context "$1"
}
if [ "$which" != postgres ]; then
  add HubDbContext Larkway.Hub.Migrations.Sqlite
fi
if [ "$which" != sqlite ]; then
  add PostgresHubDbContext Larkway.Hub.Migrations.Postgres
fi
