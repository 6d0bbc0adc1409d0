using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Abstractions;

/// <summary>The shared input rules for a sign-in, field by field, without a silo.</summary>
public sealed class RequestRulesTests
{
    [Theory]
    [InlineData("ann\u202Eadmin")] // right-to-left override: shows as "annnimda"
    [InlineData("ann\u200B")] // zero-width space
    [InlineData("a\u200Cnn")] // zero-width non-joiner
    [InlineData("a\u200Dnn")] // zero-width joiner
    [InlineData("\u2060ann")] // word joiner
    [InlineData("\uFEFFann")] // byte order mark
    [InlineData("ann\U000E0041")] // a tag character, outside the BMP
    [InlineData("ann\u0085")] // next line, a C1 control
    [InlineData("ann\tadmin")]
    public void User_ids_and_roles_refuse_control_and_format_characters(string text)
    {
        Assert.Equal("userId", RefusedField(new OpenSessionRequest { UserId = text }));
        Assert.Equal("roles", RefusedField(new OpenSessionRequest { UserId = "ann", Roles = [text] }));
        Assert.False(RequestRules.IsValidRole(text));
    }

    [Theory]
    [InlineData("Zoë")]
    [InlineData("مريم")]
    [InlineData("user@example.com")]
    [InlineData("🧑")]
    public void Other_letters_and_symbols_are_accepted_in_user_ids(string userId)
    {
        RequestRules.EnsureValid(new OpenSessionRequest { UserId = userId, Roles = [userId] });
    }

    [Theory]
    [InlineData("Mozilla/5.0\r\nX-Injected: 1")]
    [InlineData("Mozilla/5.0\u0000")]
    [InlineData("Mozilla/5.0\tFirefox")]
    [InlineData("Mozilla/5.0\u001B[31m")]
    [InlineData("Mozilla/5.0\u007F")] // DEL
    [InlineData("Mozilla/5.0\u0085")] // C1 next line
    public void User_agents_refuse_control_characters(string userAgent)
    {
        Assert.Equal("userAgent", RefusedField(new OpenSessionRequest { UserId = "ann", UserAgent = userAgent }));
        Assert.False(RequestRules.IsValidUserAgent(userAgent));
    }

    [Fact]
    public void User_agents_keep_their_length_limit()
    {
        RequestRules.EnsureValid(new OpenSessionRequest { UserId = "ann", UserAgent = new string('a', RequestRules.MaxUserAgentLength) });
        Assert.Equal("userAgent", RefusedField(new OpenSessionRequest { UserId = "ann", UserAgent = new string('a', RequestRules.MaxUserAgentLength + 1) }));
    }

    [Theory]
    [InlineData("1")] // IPAddress.TryParse: 0.0.0.1
    [InlineData("127.1")] // 127.0.0.1
    [InlineData("0x7f.1")] // 127.0.0.1 in hexadecimal
    [InlineData("0x7f000001")]
    [InlineData("010.0.0.1")] // octal 8.0.0.1 to some parsers, 10.0.0.1 to others
    [InlineData("00.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData("1.2.3.4.")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.1000")]
    [InlineData("+1.2.3.4")]
    [InlineData(" 1.2.3.4")]
    [InlineData("١.٢.٣.٤")] // Arabic-Indic digits
    [InlineData("2001:db8::1%eth0")] // a zone names an interface of the sender's host
    [InlineData("[2001:db8::1]")]
    [InlineData("[2001:db8::1]:443")]
    [InlineData("2001:db8:::1")]
    [InlineData("fe80::1::2")]
    [InlineData("not-an-ip")]
    [InlineData("")]
    public void Client_ips_in_any_form_but_the_usual_one_are_refused(string clientIp)
    {
        Assert.Equal("clientIp", RefusedField(new OpenSessionRequest { UserId = "ann", ClientIp = clientIp }));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("::1", "::1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("::FFFF:C000:0201", "192.0.2.1")]
    [InlineData("64:ff9b::192.0.2.1", "64:ff9b::c000:201")]
    public void Client_ips_are_stored_in_one_canonical_form(string clientIp, string stored)
    {
        RequestRules.EnsureValid(new OpenSessionRequest { UserId = "ann", ClientIp = clientIp });

        Assert.Equal(stored, RequestRules.CanonicalClientIp(clientIp));
        var admitted = LiveSession.Admit(new OpenSessionRequest { UserId = "ann", ClientIp = clientIp }, exempt: false, TestSilo.Epoch, TimeSpan.FromMinutes(1));
        Assert.Equal(stored, admitted.ToInfo(TimeSpan.FromMinutes(1)).ClientIp);
    }

    private static string RefusedField(OpenSessionRequest request) =>
        Assert.Single(Assert.Throws<InvalidRequestException>(() => RequestRules.EnsureValid(request)).Errors).Field;
}
