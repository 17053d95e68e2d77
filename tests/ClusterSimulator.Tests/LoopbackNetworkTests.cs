using System.Net;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>Each simulator's addresses are on the loopback range and its own, so parallel simulators do not clash.</summary>
public sealed class LoopbackNetworkTests
{
    [Fact]
    public void Simulators_side_by_side_get_distinct_loopback_blocks()
    {
        using var one = new LoopbackNetwork();
        using var two = new LoopbackNetwork();

        var first = one.NextLoadBalancerAddress([443]);
        var second = one.NextLoadBalancerAddress([443]);
        var other = two.NextLoadBalancerAddress([443]);

        Assert.All(new[] { one.NodeAddress, two.NodeAddress, first, second, other }, address => Assert.True(IPAddress.IsLoopback(address), $"{address}"));
        Assert.NotEqual(one.NodeAddress, two.NodeAddress);
        Assert.NotEqual(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(one.NodeAddress.GetAddressBytes()[..3], first.GetAddressBytes()[..3]);
    }
}
