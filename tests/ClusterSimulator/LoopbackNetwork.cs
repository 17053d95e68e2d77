using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The simulator's addresses on this machine: a /24 of the loopback range 127.0.0.0/8 of its own, so that
/// whatever a test or a rehearsal connects to (the node, a load balancer) is answered here and nothing
/// leaves the machine. The block is picked at random outside 127.0.x.x (where 127.0.0.1, 127.0.0.53 and
/// 127.0.1.1 live) and is never handed out twice in one process, so simulators side by side do not clash;
/// across processes a clash is unlikely, and a load-balancer address is only given out when its ports are
/// free. Linux routes all of 127.0.0.0/8 to the loopback interface without configuration; where only
/// 127.0.0.1 is configured (macOS), every simulator falls back to it.
/// </summary>
public sealed class LoopbackNetwork : IDisposable
{
    private static readonly HashSet<int> Taken = [];

    private readonly int _block;
    private readonly byte[] _prefix;
    private readonly bool _onlyLocalhost;
    private readonly HashSet<string> _given = new(StringComparer.Ordinal);
    private int _next = FirstLoadBalancerHost;

    private const int FirstLoadBalancerHost = 200;

    public LoopbackNetwork()
    {
        lock (Taken)
        {
            do
            {
                _block = RandomNumberGenerator.GetInt32(1 << 8, 1 << 16);
            }
            while (!Taken.Add(_block));
        }

        _prefix = [127, (byte)(_block >> 8), (byte)_block];
        NodeAddress = Address(2);
        if (!CanBind(NodeAddress))
        {
            _onlyLocalhost = true;
            NodeAddress = IPAddress.Loopback;
        }
    }

    /// <summary>The node's InternalIP: where a NodePort is reached.</summary>
    public IPAddress NodeAddress { get; }

    /// <summary>
    /// The next load-balancer address (.200 upwards, then .10 upwards) on which every one of
    /// <paramref name="ports"/> is free to listen; one a port cannot be checked on (a privileged port
    /// without the right to bind it) counts as free.
    /// </summary>
    public IPAddress NextLoadBalancerAddress(IReadOnlyCollection<int> ports)
    {
        if (_onlyLocalhost)
        {
            return IPAddress.Loopback;
        }

        lock (_given)
        {
            for (var tries = 0; tries < 245; tries++)
            {
                var host = _next;
                _next = _next >= 254 ? 10 : _next + 1;
                var candidate = Address(host);
                if (_given.Add(candidate.ToString()) && ports.All(port => IsFree(candidate, port)))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"no free load-balancer address left in {Address(0)}/24");
    }

    public void Dispose()
    {
        lock (Taken)
        {
            Taken.Remove(_block);
        }
    }

    private IPAddress Address(int host) => new([.. _prefix, (byte)host]);

    private static bool CanBind(IPAddress address)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.AccessDenied)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
