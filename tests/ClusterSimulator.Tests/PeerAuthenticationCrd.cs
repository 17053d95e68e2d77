namespace Mesh.ClusterSimulator.Tests;

/// <summary>A definition shaped like Istio's PeerAuthentication, and manifests that use it.</summary>
public static class PeerAuthenticationCrd
{
    public const string Name = "peerauthentications.security.istio.io";

    public const string Yaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: peerauthentications.security.istio.io
        spec:
          group: security.istio.io
          scope: Namespaced
          names:
            kind: PeerAuthentication
            listKind: PeerAuthenticationList
            plural: peerauthentications
            singular: peerauthentication
            shortNames: [pa]
            categories: [istio-io, security-istio-io]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      selector:
                        type: object
                        properties:
                          matchLabels:
                            type: object
                            additionalProperties:
                              type: string
                      mtls:
                        type: object
                        properties:
                          mode:
                            type: string
                            enum: [UNSET, DISABLE, PERMISSIVE, STRICT]
                      portLevelMtls:
                        type: object
                        additionalProperties:
                          type: object
                          properties:
                            mode:
                              type: string
                              enum: [UNSET, DISABLE, PERMISSIVE, STRICT]
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true

        """;

    public static string Policy(string name, string ns, string mode, string extra = "") => $"""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          selector:
            matchLabels:
              app: web
          mtls:
            mode: {mode}
          portLevelMtls:
            "8080":
              mode: DISABLE
        {extra}
        """;
}
