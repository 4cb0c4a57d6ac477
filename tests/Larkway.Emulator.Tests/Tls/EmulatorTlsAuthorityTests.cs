using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.Tests.Tls;

/// <summary>
/// What trusting the emulator's authority machine-wide lets it vouch for: the names and addresses its server certificate
/// carries, and nothing else — a certificate for another site signed with its key is refused by chain building (OpenSSL
/// on Linux enforces name constraints) — and its key is never written through a link planted in its folder.
/// </summary>
public sealed class EmulatorTlsAuthorityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-ca-").FullName;

    [Fact]
    public void The_authority_vouches_for_the_emulators_own_certificate_and_not_for_another_site_signed_with_its_key()
    {
        var tls = EmulatorTls.LoadOrCreate(_folder, ["emulator.test", "10.1.2.3"], TimeProvider.System);
        using var authority = ReadAuthority();

        Assert.Empty(Chain(authority, tls.ServerCertificate));
        using (var underLocalhost = Leaf(authority, "a.localhost"))
        {
            Assert.Empty(Chain(authority, underLocalhost));
        }

        foreach (var other in new[] { "example.com", "emulator.test.example.com", "10.1.2.4", "192.168.0.1" })
        {
            using var leaf = Leaf(authority, other);
            Assert.Contains(X509ChainStatusFlags.HasNotPermittedNameConstraint, Chain(authority, leaf));
        }

        // Critical: a client that cannot read the constraint refuses the authority instead of trusting it unconstrained.
        Assert.True(authority.Extensions[EmulatorTlsNameConstraints.Oid]?.Critical);
    }

    [Fact]
    public void A_kept_authority_without_name_constraints_is_replaced_and_its_key_overwritten()
    {
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=Larkway Emulator local CA, O=Larkway", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            using var unconstrained = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllText(Path.Combine(_folder, EmulatorTls.AuthorityFileName), unconstrained.ExportCertificatePem());
            File.WriteAllText(Path.Combine(_folder, EmulatorTls.AuthorityKeyFileName), key.ExportPkcs8PrivateKeyPem());
        }

        var oldKey = File.ReadAllText(Path.Combine(_folder, EmulatorTls.AuthorityKeyFileName));

        var tls = EmulatorTls.LoadOrCreate(_folder, [], TimeProvider.System);

        Assert.True(tls.AuthorityCreated);
        Assert.NotEqual(oldKey, File.ReadAllText(Path.Combine(_folder, EmulatorTls.AuthorityKeyFileName)));
        using var authority = ReadAuthority();
        Assert.NotNull(authority.Extensions[EmulatorTlsNameConstraints.Oid]);
        Assert.Empty(Chain(authority, tls.ServerCertificate));
    }

    [Fact]
    public void A_key_is_never_written_through_a_link_planted_at_its_temporary_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // symbolic links need a privilege there
        }

        var key = Path.Combine(_folder, EmulatorTls.AuthorityKeyFileName);
        var temporary = key + ".planted.tmp";
        var elsewhere = Path.Combine(_folder, "attacker-reads-this");
        File.CreateSymbolicLink(temporary, elsewhere);

        Assert.ThrowsAny<IOException>(() => EmulatorTls.WriteWhole(key, "-----BEGIN PRIVATE KEY-----", ownerOnly: true, temporary));

        Assert.False(File.Exists(elsewhere), "the key went through the link");
        Assert.False(File.Exists(key));
    }

    [Fact]
    public void A_key_file_is_owner_only_from_its_creation_and_its_temporary_file_is_gone()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        var key = Path.Combine(_folder, EmulatorTls.AuthorityKeyFileName);
        EmulatorTls.WriteWhole(key, "-----BEGIN PRIVATE KEY-----", ownerOnly: true, key + ".1.tmp");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal([key], Directory.GetFiles(_folder));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private X509Certificate2 ReadAuthority() =>
        X509Certificate2.CreateFromPemFile(Path.Combine(_folder, EmulatorTls.AuthorityFileName), Path.Combine(_folder, EmulatorTls.AuthorityKeyFileName));

    /// <summary>A server certificate for <paramref name="name"/> (a DNS name or an address) signed with the authority's key.</summary>
    private static X509Certificate2 Leaf(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Leaf", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var san = new SubjectAlternativeNameBuilder();
        if (System.Net.IPAddress.TryParse(name, out var address))
        {
            san.AddIpAddress(address);
        }
        else
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        return request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>The problems of the chain from <paramref name="leaf"/> to <paramref name="authority"/> as the only root; none when it holds.</summary>
    private static X509ChainStatusFlags[] Chain(X509Certificate2 authority, X509Certificate2 leaf)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        var built = chain.Build(leaf);
        var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).ToArray();
        Assert.Equal(built, problems.Length == 0);
        return problems;
    }
}
